"""Reading ids from query strings and forms: bad input means "not given" or 404, never a 500."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms

MAX_ID = 2**63 - 1  # PostgreSQL bigint; larger numbers would fail in the database, not here


def parse_id(value: Any) -> int | None:
    """A database id from a request parameter: ASCII digits within the bigint range, else None.

    `str.isdigit()` alone is not enough: it accepts "²" and other digits `int()` refuses, and
    numbers past the column's range."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def parse_ids(values) -> list[int]:
    """The valid ids among several parameters (e.g. checked boxes), in order, others dropped."""
    return [number for number in (parse_id(value) for value in values) if number is not None]


class IdFilter(django_filters.NumberFilter):
    """A filter on an id: a whole number from 1 to the bigint limit, else the filter is refused (400 in the
    API; ignored on pages), rather than a decimal passed on to the database."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)
