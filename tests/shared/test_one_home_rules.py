"""The shared rules every feature uses from one place: Vietnam time, amounts in USD millions and
spreadsheet-safe CSV."""
import csv
import io
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from portal import clock
from portal.money import millions_from_usd, usd_from_millions
from portal.spreadsheets import csv_bytes, neutralise


def test_today_is_the_date_in_vietnam_not_on_the_server(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 6, 17, 30, tzinfo=timezone.utc))
    assert clock.today_in_vietnam() == date(2026, 12, 7)  # already past midnight in Hồ Chí Minh City
    assert clock.file_stamp() == "20261207-0030"


def test_a_vietnam_day_starts_at_17_00_utc_the_day_before():
    assert clock.start_of_day(date(2026, 12, 7)) == datetime(2026, 12, 6, 17, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(("millions", "usd"), [
    (Decimal("2.5"), 2_500_000), (Decimal("0.1"), 100_000), (120, 120_000_000), (0.3, 300_000), (None, None),
])
def test_amounts_typed_in_millions_are_stored_in_whole_dollars(millions, usd):
    assert usd_from_millions(millions) == usd


def test_stored_dollars_are_shown_in_millions_again():
    assert millions_from_usd(2_500_000) == Decimal("2.5") and millions_from_usd(None) is None


@pytest.mark.parametrize("typed", ["=1+1", "+82 2 1234", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_a_spreadsheet_would_run_becomes_text(typed):
    assert neutralise(typed) == "'" + typed


def test_csv_keeps_every_script_numbers_and_empty_cells():
    data = csv_bytes([["Tên", "회사", "会社", "Amount"], ["Nguyễn Văn A", "=cmd", None, 25_000_000]])
    assert data.startswith("\ufeff".encode())  # Excel reads UTF-8 only with the byte-order mark
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["Tên", "회사", "会社", "Amount"], ["Nguyễn Văn A", "'=cmd", "", "25000000"]]
