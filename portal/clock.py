"""The one place the portal asks for the time, so tests can move it, and the one place that
knows the centre works on Vietnam time."""
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

#: The centre's time zone: working hours, "today", dates shown and the reports' months.
VIETNAM_TIME_ZONE = "Asia/Ho_Chi_Minh"
VIETNAM = ZoneInfo(VIETNAM_TIME_ZONE)


def now() -> datetime:
    """Now, in UTC."""
    return datetime.now(timezone.utc)


def as_utc(moment: datetime | None) -> datetime | None:
    """A stored time as an aware UTC datetime (SQLite hands them back without a zone)."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


def today_in_vietnam() -> date:
    """Today's date at the centre, whatever the server's zone."""
    return now().astimezone(VIETNAM).date()


def start_of_day(day: date) -> datetime:
    """Midnight of ``day`` in Vietnam, as UTC: SQLite compares stored times as text, so a bound
    value must be in UTC like the stored ones."""
    return datetime.combine(day, time.min, VIETNAM).astimezone(timezone.utc)


def file_stamp() -> str:
    """The Vietnam date and minute for a download's file name ("20261206-1430")."""
    return now().astimezone(VIETNAM).strftime("%Y%m%d-%H%M")
