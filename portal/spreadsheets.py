"""Files staff open in Excel: CSV that keeps Vietnamese, Korean and Japanese readable, never lets
a cell typed by an investor run as a formula (CSV injection), and holds no control character that
Excel (and openpyxl) refuse in a cell."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from portal.clean_input import clean_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text that a spreadsheet would read as a formula, made plain text by a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def cell(value):
    """A value as a spreadsheet cell: control characters removed (text stored before the forms
    cleaned it may hold them, and one would make the whole Excel file fail), then neutralised."""
    return neutralise(clean_text(value))


def csv_bytes(rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens every script correctly; every cell made safe."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(["" if value is None else cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")
