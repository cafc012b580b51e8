"""What a worker prints: our INFO lines once each, and no library's INFO chatter."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import logging, django
django.setup()
import wordllama  # calls logging.basicConfig(level=INFO) when imported
logging.getLogger("broadsheet.tasks").info("our line")
logging.getLogger("some.library").info("library chatter")
logging.getLogger("some.library").warning("library warning")
"""


def test_a_worker_logs_our_info_once_and_only_warnings_from_libraries(tmp_path):
    env = {"DJANGO_SETTINGS_MODULE": "broadsheet.settings", "BROADSHEET_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stderr.count("our line") == 1
    assert "library chatter" not in out.stderr
    assert "library warning" in out.stderr
