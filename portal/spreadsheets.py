"""Files staff open in Excel: CSV that keeps Vietnamese, Korean and Japanese readable, and never
lets a cell typed by an investor run as a formula (CSV injection)."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text that a spreadsheet would read as a formula, made plain text by a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens every script correctly; every cell neutralised."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(["" if value is None else neutralise(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")
