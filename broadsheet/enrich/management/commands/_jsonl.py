"""JSON lines in, JSON lines out, for the enrich commands. A bad line is reported on
stdout as {"id", "error"} (and on stderr) and the rest of the input goes on."""

from __future__ import annotations

import json
import sys
from typing import Callable, TextIO


def run(handle: Callable[[dict], dict], stdin: TextIO | None = None, stdout: TextIO | None = None,
        stderr: TextIO | None = None) -> int:
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    failures = 0
    for number, line in enumerate(stdin, 1):
        if not line.strip():
            continue
        row = None
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError("each line must be a JSON object")
            out = {"id": row.get("id"), **handle(row)}
        except (ValueError, TypeError, KeyError) as exc:
            failures += 1
            out = {"id": row.get("id") if isinstance(row, dict) else None, "error": f"line {number}: {exc}"}
            stderr.write(out["error"] + "\n")
        stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        stdout.flush()
    return failures


def text_of(row: dict) -> tuple[str, str]:
    title, text = row.get("title", ""), row.get("text", "")
    if not isinstance(title, str) or not isinstance(text, str):
        raise ValueError('"title" and "text" must be strings')
    if not (title.strip() or text.strip()):
        raise ValueError('needs "title" or "text"')
    return title, text
