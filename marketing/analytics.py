"""Analytics without cookies or outside services: the server counts views of public pages per
page and day (bots left out by their user agent), no-result searches, and arrivals through
campaign links (`utm_*`). Nothing identifies a visitor; only daily totals are stored.

`campaign_for(request)` gives the campaign a request came from, for the storefront to
attribute orders: the link's own `utm_campaign`, or the one a signed-in user (who has a
session anyway) arrived with earlier. No cookie is ever set for it.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qs, urlsplit

from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

logger = logging.getLogger(__name__)

BOTS = re.compile(
    r"bot|crawl|spider|slurp|fetch|curl|wget|python-requests|httpx|scrapy|headless|lighthouse|monitor|"
    r"facebookexternalhit|preview|bingpreview|yandex|baidu|semrush|ahrefs",
    re.IGNORECASE,
)
SESSION_KEY = "marketing_campaign"


def is_bot(request: HttpRequest) -> bool:
    agent = request.headers.get("User-Agent", "")
    return not agent or bool(BOTS.search(agent))


def _bump(model_table: str, day, fields: dict[str, str]) -> None:
    """count += 1 on the (day, fields) row, inserting it first: one statement on PostgreSQL."""
    from marketing.models import DailyCount, SearchLog

    model = {"dailycount": DailyCount, "searchlog": SearchLog}[model_table]
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        columns = ["day", *fields]
        # Table and column names are ours (the model and the keys above), never input.
        names, marks = ", ".join(columns), ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({names}, count) VALUES ({marks}, 1) ON CONFLICT ({names}) DO UPDATE SET count = {table}.count + 1"  # noqa: S608, E501
        with connection.cursor() as cursor:
            cursor.execute(sql, [day, *fields.values()])
        return
    row, _created = model.objects.get_or_create(day=day, **fields)
    model.objects.filter(pk=row.pk).update(count=F("count") + 1)


def _safely(table: str, fields: dict[str, str]) -> None:
    """A counter must never break the page: a failure is logged and the view goes on."""
    try:
        with transaction.atomic():
            _bump(table, timezone.localdate(), fields)
    except DatabaseError:
        logger.warning("Page view not counted", exc_info=True)


def campaign_params(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET.get(k, "")[:60] for k in ("utm_source", "utm_medium", "utm_campaign")}


def record_view(request: HttpRequest, kind: str, key: str = "") -> None:
    if request.method != "GET" or is_bot(request):
        return
    _safely("dailycount", {"kind": kind[:30], "key": key[:200]})
    params = campaign_params(request)
    if params["utm_campaign"]:
        _safely("dailycount", {"kind": "campaign", "key": "/".join(params.values())[:200]})
        session = getattr(request, "session", None)
        if session is not None and session.session_key:  # never creates a session (a cookie)
            session[SESSION_KEY] = params["utm_campaign"]


def record_no_result(request: HttpRequest, query: str, language: str) -> None:
    if is_bot(request) or not query.strip():
        return
    _safely("searchlog", {"query": query.strip().lower()[:200], "language": language[:10]})


def campaign_for(request: HttpRequest) -> str:
    """The campaign (utm_campaign) the request came through: its own query, the page it was
    sent from (Referer), or what a signed-in visitor's session remembered; "" if none."""
    own = request.GET.get("utm_campaign", "")
    if own:
        return own[:60]
    referer = request.headers.get("Referer", "")
    if referer:
        found = parse_qs(urlsplit(referer).query).get("utm_campaign")
        if found:
            return found[0][:60]
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        return str(session.get(SESSION_KEY, ""))[:60]
    return ""
