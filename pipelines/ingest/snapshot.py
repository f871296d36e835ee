"""The day a file's numbers stand for (its snapshot day), and what told it.

Lifetime numbers are cumulative: which day a file was downloaded decides the day each
increment lands on, so the name a platform gives its file beats the file's modification
time, which a copy or a checkout resets.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

# Meta's default export name: `Dec-12-2023_Mar-06-2024_<id>.csv`, `…-Sep-1-2025-Sep-30-2025.csv`
META_RANGE_NAME = re.compile(
    r"([A-Z][a-z]{2})-(\d{1,2})-(\d{4})[_-]([A-Z][a-z]{2})-(\d{1,2})-(\d{4})"
)

# LinkedIn's: `<page>_content_<epoch ms>.xls`, the moment of the download (LinkedIn: UTC)
LINKEDIN_STAMP_NAME = re.compile(r"_(\d{13})\.xlsx?$", re.IGNORECASE)

BY_NAME, BY_MTIME, BY_DATA = "file name", "modified time", "last day of data"


def snapshot_of(name: str, modified_at: datetime, tz: str) -> tuple[date, str]:
    """(day, source): the download moment in LinkedIn's file name or the end of the date
    range in Meta's, else the file's modification time in the client's zone (page series
    are then dated by their own last day instead, see by_data)."""
    stamp = LINKEDIN_STAMP_NAME.search(name)
    if stamp:
        when = datetime.fromtimestamp(int(stamp.group(1)) / 1000, UTC)
        if datetime(2010, 1, 1, tzinfo=UTC) < when <= modified_at + timedelta(days=1):
            return when.date(), BY_NAME
    found = META_RANGE_NAME.search(name)
    if found:
        try:
            return datetime.strptime("-".join(found.groups()[3:]), "%b-%d-%Y").date(), BY_NAME
        except ValueError:
            pass
    return modified_at.astimezone(ZoneInfo(tz)).date(), BY_MTIME
