"""Shared reading of the JSON-lines input of `broadsheet cluster` and `broadsheet dedup`."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Iterable, Iterator


class BadRecord(ValueError):
    pass


def parse_time(value) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise BadRecord(f"published must be an ISO 8601 string, got {value!r}")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadRecord(f"published is not an ISO 8601 date: {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def records(lines: Iterable[str]) -> Iterator[tuple[int, dict | None, str | None]]:
    """(line number, record, error) for each non-blank line; a record needs an id."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, None, f"line {number}: not JSON ({exc.msg})"
            continue
        if not isinstance(record, dict) or record.get("id") in (None, ""):
            yield number, record if isinstance(record, dict) else None, f"line {number}: a record needs an \"id\""
            continue
        yield number, record, None


def batched(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
