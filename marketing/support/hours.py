"""Staffed hours of the chat: inside them a person answers; outside, the widget takes a message
that becomes an inquiry answered by e-mail.

`settings.SUPPORT_HOURS` (optional) overrides the default::

    SUPPORT_HOURS = {"timezone": "Asia/Shanghai", "days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:30"}

`days` are weekdays, Monday = 0.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

DEFAULT_HOURS: dict[str, Any] = {"timezone": "Asia/Shanghai", "days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:30"}


def support_hours() -> dict[str, Any]:
    return {**DEFAULT_HOURS, **getattr(settings, "SUPPORT_HOURS", {})}


def _clock(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


def is_staffed(now: dt.datetime | None = None) -> bool:
    hours = support_hours()
    local = (now or timezone.now()).astimezone(ZoneInfo(hours["timezone"]))
    if local.weekday() not in set(hours["days"]):
        return False
    return _clock(hours["start"]) <= local.time() < _clock(hours["end"])
