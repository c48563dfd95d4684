"""Times as each person reads them: typed and shown in their own time zone, stored in UTC.

A person's zone is the one set on their account page, else the server's. The database keeps
every time in UTC; a form's "2027-01-12 10:00" is read in the person's zone, and a page shows
a stored time back in it, with the zone's abbreviation so nobody has to guess.
"""

from datetime import UTC, datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask_login import current_user

SHOWN = "%b %d, %Y %H:%M"


def server_zone() -> tzinfo:
    """The zone of the machine the workbench runs on (its local time)."""
    return datetime.now().astimezone().tzinfo or UTC


@cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone name the machine knows, sorted (the account page's choices)."""
    return tuple(sorted(available_timezones()))


def zone_for(name: str | None) -> tzinfo:
    """The zone of that name, or the server's for none (or a name the machine no longer has)."""
    if not name:
        return server_zone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return server_zone()


def person_zone() -> tzinfo:
    """The signed-in person's zone (the server's when they set none, or nobody is signed in)."""
    return zone_for(getattr(current_user, "time_zone", None))


def person_zone_name() -> str:
    """Name the person's zone for a label: its IANA name, else its abbreviation now."""
    zone = person_zone()
    return getattr(zone, "key", None) or datetime.now(zone).strftime("%Z")


def typed_to_utc(value: datetime | None) -> datetime | None:
    """Read a browser's date and time (no zone) in the person's zone; return it in UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=person_zone()).astimezone(UTC)


def utc_to_typed(value: datetime | None) -> datetime | None:
    """A stored UTC time as the person would type it (their zone, no zone attached)."""
    if value is None:
        return None
    return value.astimezone(person_zone()).replace(tzinfo=None)


def local_time(value: datetime | None, empty: str = "—") -> str:
    """Show a stored UTC time in the person's zone, with the zone's abbreviation (a filter)."""
    if value is None:
        return empty
    return value.astimezone(person_zone()).strftime(f"{SHOWN} %Z")
