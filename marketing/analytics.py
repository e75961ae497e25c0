"""Analytics without cookies or outside services: the server counts views of public pages per
page and day (bots left out by their user agent), no-result searches, and arrivals through
campaign links (`utm_*`). Nothing identifies a visitor; only daily totals are stored.

`campaign_for(request)` gives the campaign a request came from, for the storefront to
attribute orders (StoreOrder.campaign) and for service orders (`attribute_service_order`,
kept in marketing.ServiceOrderCampaign): the link's own `utm_campaign`, the page the request
was sent from, or the one a signed-in user (who has a session anyway) arrived with earlier.
No cookie is ever set for it.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import re
import threading
import time
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
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


def _bump(model_table: str, day: dt.date, fields: dict[str, str], n: int = 1) -> None:
    """count += n on the (day, fields) row, inserting it first: one statement on PostgreSQL."""
    from marketing.models import DailyCount, SearchLog

    model = {"dailycount": DailyCount, "searchlog": SearchLog}[model_table]
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        columns = ["day", *fields]
        # Table and column names are ours (the model and the keys above), never input.
        names, marks = ", ".join(columns), ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({names}, count) VALUES ({marks}, %s) ON CONFLICT ({names}) DO UPDATE SET count = {table}.count + EXCLUDED.count"  # noqa: S608, E501
        with connection.cursor() as cursor:
            cursor.execute(sql, [day, *fields.values(), n])
        return
    row, _created = model.objects.get_or_create(day=day, **fields)
    model.objects.filter(pk=row.pk).update(count=F("count") + n)


# Counts wait in the worker's memory and are written together every few seconds
# (MARKETING_ANALYTICS_FLUSH_SECONDS, default 10; 0 writes at once): a write per view cost a
# cached public page more than everything else it does (bench/public_pages.py). A worker that
# ends writes what it holds (atexit); one killed outright loses at most those seconds' counts.
_pending: dict[tuple[str, dt.date, tuple[tuple[str, str], ...]], int] = {}
_lock = threading.Lock()
_last_flush = time.monotonic()
MAX_PENDING = 2_000  # distinct rows held before a write is forced


def flush_interval() -> float:
    return float(getattr(settings, "MARKETING_ANALYTICS_FLUSH_SECONDS", 10))


def _safely(table: str, fields: dict[str, str]) -> None:
    """Count one; write what is pending when it is time. Never breaks the page."""
    key = (table, timezone.localdate(), tuple(fields.items()))
    with _lock:
        _pending[key] = _pending.get(key, 0) + 1
        due = time.monotonic() - _last_flush >= flush_interval() or len(_pending) >= MAX_PENDING
    if due:
        flush()


def flush(*, quiet: bool = False) -> int:
    """Write the pending counts (one transaction, rows in a fixed order so two workers never
    wait on each other crosswise); returns how many rows were written. On a database error
    the counts are kept for the next try and the page goes on."""
    global _last_flush
    with _lock:
        batch = dict(_pending)
        _pending.clear()
        _last_flush = time.monotonic()
    if not batch:
        return 0
    try:
        with transaction.atomic():
            for (table, day, fields), n in sorted(batch.items()):
                _bump(table, day, dict(fields), n)
    except DatabaseError:
        if not quiet:
            logger.warning("Page views not counted yet (%s rows kept for the next try)", len(batch), exc_info=True)
        with _lock:
            for key, n in batch.items():
                if key in _pending or len(_pending) < MAX_PENDING:
                    _pending[key] = _pending.get(key, 0) + n
        return 0
    return len(batch)


@atexit.register
def _flush_at_exit() -> None:
    if not _pending:
        return
    try:
        flush(quiet=True)
    except Exception:  # noqa: BLE001, S110 (the process is ending: its log may be closed already)
        pass


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


def attribute_service_order(request: HttpRequest, order_id: int) -> None:
    """After a service order is placed: remember the campaign it came through (campaign_for),
    for the dashboard's campaign → order figures. Never breaks the order: a failure is logged."""
    campaign = campaign_for(request)
    if not campaign:
        return
    from marketing.actions import service_order_attribute

    try:
        with transaction.atomic():
            service_order_attribute(order_id=order_id, campaign=campaign)
    except DatabaseError:
        logger.warning("Service order %s not attributed to campaign %r", order_id, campaign, exc_info=True)
