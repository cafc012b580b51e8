"""The query parameters of /api/articles, validated by one Django form.

The OpenAPI document (openapi.py) declares the same fields; tests/api/test_fuzz.py checks
that the two agree and fuzzes them. Every bad value becomes a form error (a 400), never
an exception: dates that look right but are not (February 30, hour 25, offset +99:00),
times out of range once moved to UTC, digits that are not ASCII ('²', '١'), numbers past
what the database stores, NUL characters.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from django import forms
from django.utils.dateparse import parse_datetime

from broadsheet.web import languages
from broadsheet.web.sections import sections as taxonomy, slug_for

MAX_LIMIT = 100
MAX_ID = 2**63 - 1  # the largest primary key SQLite and PostgreSQL store (signed 64-bit)
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
DIGITS = re.compile(r"[0-9]{1,19}", re.ASCII)  # str.isdigit() also takes '²' and '١'
CURSOR = re.compile(r"(-?[0-9]{1,18})_([0-9]{1,19})", re.ASCII)



def section_named(slug: str) -> str | None:
    """The section a slug names (None for no slug); a ValidationError listing them all otherwise."""
    if not slug:
        return None
    names = {slug_for(name): name for name in taxonomy()}
    if slug not in names:
        raise forms.ValidationError(f"unknown section {slug[:40]!r}; one of: {', '.join(names)}")
    return names[slug]

class WholeNumberField(forms.IntegerField):
    """ASCII digits only (int() also reads '١٢', '1_0' and ' +1'), within [min_value, max_value]."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not DIGITS.fullmatch(str(value)):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(value)


class TimeField(forms.Field):
    """An ISO-8601 time with a UTC offset, returned in UTC."""

    default_error_messages = {
        "invalid": "must be an ISO-8601 time with a timezone, e.g. 2026-11-28T09:00:00+00:00",
        "naive": "needs a timezone, e.g. 2026-11-28T09:00:00+00:00",
        "range": "is out of range",
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        parsed = None
        if value.isascii() and value.isprintable():  # Python's own parser lets a NUL pass as the separator
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:  # looks like a date but is not one: 2026-02-30, hour 25, offset +99:00
                pass
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if parsed.tzinfo is None:
            raise forms.ValidationError(self.error_messages["naive"], code="naive")
        try:
            return parsed.astimezone(timezone.utc)
        except OverflowError:  # 0001-01-01T00:00:00+14:00 is before year 1 in UTC
            raise forms.ValidationError(self.error_messages["range"], code="range") from None


class CursorField(forms.CharField):
    """`next_cursor` of a previous page: microseconds since 1970 and an id, as (time, id)."""

    default_error_messages = {"invalid": "is malformed: use the next_cursor of the previous page"}

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        match = CURSOR.fullmatch(value)
        if match is None or int(match[2]) > MAX_ID:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return EPOCH + timedelta(microseconds=int(match[1])), int(match[2])
        except OverflowError:  # past year 9999
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


def make_cursor(published: datetime, pk: int) -> str:
    """URL-safe (no '+' of a UTC offset to be read back as a space)."""
    return f"{(published - EPOCH) // timedelta(microseconds=1)}_{pk}"


class LanguagePickField(forms.CharField):
    """`lang`: a language the site lists, or "all" (web/languages.py); anything else is an error
    here, where a list's page would fall back to the site's default."""

    def to_python(self, value):
        value = super().to_python(value)
        if value.strip() and not languages.clean(value):
            raise forms.ValidationError(languages.refusal(), code="invalid")
        return languages.clean(value)


class ArticlesQuery(forms.Form):
    section = forms.CharField(required=False, max_length=100, help_text="Section slug, see /sections")
    source = WholeNumberField(required=False, min_value=1, max_value=MAX_ID, help_text="Source id, see /sources",
                              error_messages=dict.fromkeys(["invalid", "min_value", "max_value"], "must be a source id"))
    since = TimeField(required=False, help_text="Published at or after")
    until = TimeField(required=False, help_text="Published before")
    limit = WholeNumberField(required=False, min_value=1, max_value=MAX_LIMIT, help_text="Page size (default 30)",
                             error_messages=dict.fromkeys(["invalid", "min_value", "max_value"],
                                                          f"must be a whole number from 1 to {MAX_LIMIT}"))
    cursor = CursorField(required=False, max_length=60, help_text="next_cursor of the previous page")
    lang = LanguagePickField(required=False, max_length=20, help_text="A language the site lists, or all")

    def clean_section(self) -> str | None:
        return section_named(self.cleaned_data["section"])

    def clean_limit(self) -> int:
        return self.cleaned_data["limit"] or 30

    def first_error(self) -> str:
        """One readable sentence naming the parameter: 'limit: Ensure this value is ...'."""
        name, errors = next(iter(self.errors.items()))
        return f"{name}: {errors[0]}" if name != "__all__" else errors[0]
