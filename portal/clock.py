"""The one place the portal asks for the time, so tests can move it."""
from datetime import datetime, timezone


def now() -> datetime:
    """Now, in UTC."""
    return datetime.now(timezone.utc)


def as_utc(moment: datetime | None) -> datetime | None:
    """A stored time as an aware UTC datetime (SQLite hands them back without a zone)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)
