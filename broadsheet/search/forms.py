"""The parameters of /search/ and /api/search, read by one form: every bad value is a 400."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone

from django import forms
from django.utils.dateparse import parse_date

from broadsheet.api.forms import MAX_ID, LanguagePickField, TimeField, WholeNumberField, section_named
from broadsheet.search.backends import CANDIDATES, Filters
from broadsheet.search.terms import MAX_CHARS
from broadsheet.web import languages

MAX_LIMIT = 50
LANGUAGE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{1,8})?", re.ASCII | re.IGNORECASE)
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


class DayOrTimeField(TimeField):
    """A day (2026-11-28, as a date input sends it) or an ISO-8601 time with an offset."""

    def to_python(self, value):
        if isinstance(value, str) and DAY.fullmatch(value.strip()):
            try:
                day = parse_date(value.strip())
            except ValueError:  # 2026-02-30
                day = None
            if day is None:
                raise forms.ValidationError("is not a date (use YYYY-MM-DD)", code="invalid")
            return datetime.combine(day, time(), tzinfo=timezone.utc)
        return super().to_python(value)


def _numbers(message: str) -> dict:
    return dict.fromkeys(["invalid", "min_value", "max_value"], message)


class SearchForm(forms.Form):
    # Counted as sent (spaces too, as the OpenAPI maxLength counts them), stripped after.
    q = forms.CharField(required=False, max_length=MAX_CHARS, strip=False, error_messages={
        "max_length": f"is too long: search for at most {MAX_CHARS} characters"})
    section = forms.CharField(required=False, max_length=100)
    source = WholeNumberField(required=False, min_value=1, max_value=MAX_ID, error_messages=_numbers("must be a source id"))
    language = forms.CharField(required=False, max_length=20)
    since = DayOrTimeField(required=False)
    until = DayOrTimeField(required=False)
    limit = WholeNumberField(required=False, min_value=1, max_value=MAX_LIMIT,
                             error_messages=_numbers(f"must be a whole number from 1 to {MAX_LIMIT}"))
    lang = LanguagePickField(required=False, max_length=20)
    cursor = WholeNumberField(required=False, min_value=0, max_value=CANDIDATES,
                              error_messages=_numbers("is malformed: use the next_cursor of the previous page"))

    def clean_q(self) -> str:
        return self.cleaned_data["q"].strip()

    def clean_section(self) -> str | None:
        return section_named(self.cleaned_data["section"])

    def clean_language(self) -> str | None:
        code = self.cleaned_data["language"]
        if not code:
            return None
        if not LANGUAGE.fullmatch(code):
            raise forms.ValidationError("must be a language code such as en or pt-BR")
        return code.lower()

    def clean_until(self):
        until = self.cleaned_data["until"]
        raw = (self.data.get("until") or "").strip()
        if until is not None and DAY.fullmatch(raw):
            try:
                until += timedelta(days=1)  # a day includes its own articles
            except OverflowError:  # 9999-12-31: no end
                return None
        return until

    def filters(self, chosen: str = "") -> Filters:
        """The form's filters, within the site's languages and the reader's pick `chosen`
        (web/languages.py); a `language` asked for here takes the place of the pick."""
        data = self.cleaned_data
        allowed = languages.allowed("" if data["language"] else chosen)
        return Filters(section=data["section"], source=data["source"], language=data["language"],
                       since=data["since"], until=data["until"], allowed=None if allowed.everything else allowed)

    def first_error(self) -> str:
        name, errors = next(iter(self.errors.items()))
        return f"{name}: {errors[0]}" if name != "__all__" else errors[0]
