"""Keyset pagination for the big time-ordered lists (issue 18): the audit log and notifications.

A year of events is hundreds of thousands of rows: Django's Paginator counts them all on every
page and its OFFSET reads every row before the page. Here a page is the rows just older (or
newer) than a cursor, the (created_at, id) of the row at its edge, newest first: one query of
per_page + 1 rows whatever the page, served by an index on (..., created_at, id), no COUNT.

    page = keyset_page(queryset, request.GET)        # ?before=<cursor> or ?after=<cursor>
    {% include "office/_keyset_pagination.html" %}   # "Newer" / "Older" links, filters kept
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

PER_PAGE = 25
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)


def cursor_of(row: Any) -> str:
    """`<microseconds since 1970>_<id>`: exact (no float), URL-safe."""
    return f"{(row.created_at - EPOCH) // MICROSECOND}_{row.pk}"


def parse_cursor(value: str | None) -> tuple[datetime.datetime, int] | None:
    try:
        micros, pk = (value or "").split("_")
        return EPOCH + int(micros) * MICROSECOND, int(pk)
    except (ValueError, OverflowError):
        return None  # a mangled link: the newest page


@dataclass
class KeysetPage:
    object_list: list[Any]
    older: str | None = None  # cursor for the page after this one (older rows), if any
    newer: str | None = None  # cursor for the page before this one (newer rows), if any

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_other_pages(self) -> bool:
        return bool(self.older or self.newer)


def keyset_page(queryset: QuerySet, params: Mapping[str, str], per_page: int = PER_PAGE) -> KeysetPage:
    """The page of `queryset` (any filters, any order: it is replaced by created_at, id
    descending) that `params` ("before" or "after" a cursor) asks for."""
    before, after = parse_cursor(params.get("before")), parse_cursor(params.get("after"))
    if after is not None and before is None:
        at, pk = after
        # created_at >= at is the index's range; the OR only sorts out rows of that instant.
        newer = queryset.filter(created_at__gte=at).filter(Q(created_at__gt=at) | Q(pk__gt=pk))
        rows = list(newer.order_by("created_at", "pk")[: per_page + 1])
        more = len(rows) > per_page
        rows = rows[:per_page][::-1]
        older = cursor_of(rows[-1]) if rows else None
        return KeysetPage(rows, older=older, newer=cursor_of(rows[0]) if more else None)
    if before is not None:
        at, pk = before
        queryset = queryset.filter(created_at__lte=at).filter(Q(created_at__lt=at) | Q(pk__lt=pk))
    rows = list(queryset.order_by("-created_at", "-pk")[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    newer = cursor_of(rows[0]) if before is not None and rows else None
    return KeysetPage(rows, older=cursor_of(rows[-1]) if more else None, newer=newer)
