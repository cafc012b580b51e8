from pathlib import Path

import pytest

from broadsheet import conf

DOC = Path(__file__).resolve().parents[1] / "docs" / "settings.md"


def test_every_setting_is_documented():
    assert DOC.read_text() == conf.settings_markdown(), "run: broadsheet settings_doc > docs/settings.md"


def test_a_malformed_value_fails_loudly(monkeypatch):
    monkeypatch.setenv("BROADSHEET_FETCH_TIMEOUT", "soon")
    with pytest.raises(conf.ConfigError, match="BROADSHEET_FETCH_TIMEOUT: expected a number"):
        conf.env("BROADSHEET_FETCH_TIMEOUT")
    monkeypatch.setenv("BROADSHEET_DEBUG", "perhaps")
    with pytest.raises(conf.ConfigError, match="boolean"):
        conf.env("BROADSHEET_DEBUG")


def test_defaults_apply_when_unset(monkeypatch):
    monkeypatch.delenv("BROADSHEET_FETCH_PER_HOST", raising=False)
    assert conf.env("BROADSHEET_FETCH_PER_HOST") == 2
