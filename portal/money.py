"""Amounts of money as staff and investors type them: in millions of US dollars."""
from __future__ import annotations

from decimal import Decimal

MILLION = Decimal(1_000_000)
#: The largest investment or capital typed in a form, in USD million (USD 100 billion).
LARGEST_MILLIONS = 100_000


def usd_from_millions(millions: Decimal | float | int | None) -> int | None:
    """USD 2.5 million typed in a form, as the whole dollars stored (2,500,000)."""
    return None if millions is None else int(Decimal(str(millions)) * MILLION)


def millions_from_usd(usd: int | None) -> Decimal | None:
    """A stored amount in whole dollars, as millions for a form field."""
    return None if usd is None else Decimal(usd) / MILLION
