"""The dashboard's tiles: apps register providers, the dashboard shows what they return.

Like the "my tasks" box (office/inbox.py), `office` never imports a business app: each app's
`tiles.py` registers its providers when its AppConfig is ready. A provider takes a `Scope` —
who looks, which office, which units (all of them for the director, one unit and its groups
for a head) and which period — and returns tiles. A tile is data, not HTML: the page shows it
with one template (stats, a table, a Chart.js chart, drill-down links) and the monthly PDF
prints the same stats and table, so both always agree.

Providers aggregate in SQL, never one query per department; a provider that names its reads
(`register(provider, reads)`) has them run with every other provider's in one query
(office/dashboard/batch.py), so the page's query count does not grow with its tiles.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

PERIOD_KINDS = ("month", "quarter", "year")


@dataclass(frozen=True)
class Period:
    """A calendar month, quarter or year: [start, end) in the office's time zone."""

    kind: str
    start: dt.date
    end: dt.date

    @classmethod
    def of(cls, kind: str, day: dt.date) -> Period:
        if kind == "year":
            return cls(kind, dt.date(day.year, 1, 1), dt.date(day.year + 1, 1, 1))
        if kind == "quarter":
            first = (day.month - 1) // 3 * 3 + 1
            start = dt.date(day.year, first, 1)
            return cls(kind, start, _add_months(start, 3))
        start = day.replace(day=1)
        return cls("month", start, _add_months(start, 1))

    @classmethod
    def from_query(cls, query: Mapping[str, str], today: dt.date | None = None) -> Period:
        """?period=month|quarter|year&on=YYYY-MM-DD (any day inside it); bad input: this month."""
        today = today or timezone.localdate()
        kind = query.get("period", "month")
        if kind not in PERIOD_KINDS:
            kind = "month"
        try:
            day = dt.date.fromisoformat(query.get("on", ""))
        except ValueError:
            day = today
        if not 2000 <= day.year <= 2100:
            day = today
        return cls.of(kind, day)

    @property
    def previous(self) -> Period:
        return Period.of(self.kind, self.start - dt.timedelta(days=1))

    @property
    def following(self) -> Period:
        return Period.of(self.kind, self.end)

    @property
    def start_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def end_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.end, dt.time.min))

    @property
    def label(self) -> str:
        if self.kind == "year":
            return str(self.start.year)
        if self.kind == "quarter":
            return _("Q%(quarter)s %(year)s") % {"quarter": (self.start.month - 1) // 3 + 1, "year": self.start.year}
        return formats.date_format(self.start, "YEAR_MONTH_FORMAT")

    def query(self) -> str:
        return f"period={self.kind}&on={self.start.isoformat()}"


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Scope:
    """Who looks at which office's dashboard, for which units and period."""

    user: Any
    organization: Any
    period: Period
    unit: Any = None  # a Department: a head's dashboard; None: the whole office (director)
    unit_ids: tuple[int, ...] = ()  # the unit and its groups

    @property
    def whole_office(self) -> bool:
        return self.unit is None

    def departments(self, queryset: Any, path: str = "department") -> Any:
        """`queryset` narrowed to the scope's office and units (`path`: its department FK)."""
        queryset = queryset.filter(**{f"{path}__organization_id": self.organization.pk})
        if self.unit is not None:
            queryset = queryset.filter(**{f"{path}_id__in": self.unit_ids})
        return queryset


@dataclass(frozen=True)
class Stat:
    label: str
    value: str
    url: str = ""
    tone: str = ""  # "", "success", "warning", "danger"


@dataclass(frozen=True)
class Cell:
    text: str
    url: str = ""
    numeric: bool = False


@dataclass
class Tile:
    key: str
    title: str
    order: int = 100
    icon: str = "bi-speedometer2"
    stats: list[Stat] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    chart: dict[str, Any] | None = None  # Chart.js input (static/js/dashboard.js)
    chart_label: str = ""  # what the chart shows, for screen readers
    link: str = ""  # drill-down: the full list behind the tile
    empty: str = ""  # said when there is nothing to show

    @property
    def chart_id(self) -> str:
        return f"tile-chart-{self.key}"


Provider = Callable[..., list[Tile]]
Reads = Callable[[Scope], dict[str, Any]]
_providers: list[tuple[Provider, Reads | None]] = []


def register(provider: Provider, reads: Reads | None = None) -> Provider:
    """`provider(scope)` returns tiles; with `reads`, `reads(scope)` names what the provider
    reads (office/dashboard/batch.py) and `provider(scope, data)` gets each read's result:
    every provider's reads run together in one query."""
    if all(known is not provider for known, _reads in _providers):
        _providers.append((provider, reads))
    return provider


def tiles_for(scope: Scope) -> list[Tile]:
    return tiles_with(scope, {})[0]


def tiles_with(scope: Scope, page_reads: dict[str, Any]) -> tuple[list[Tile], dict[str, Any]]:
    """The tiles, and the page's own reads (`page_reads`, batch reads by name) in the same query."""
    from office.dashboard import batch

    wanted: dict[Any, Any] = {("page", name): read for name, read in page_reads.items()}
    for index, (_provider, reads) in enumerate(_providers):
        if reads is not None:
            wanted.update({(index, name): read for name, read in reads(scope).items()})
    results = batch.fetch(wanted)
    tiles: list[Tile] = []
    for index, (provider, reads) in enumerate(_providers):
        if reads is None:
            tiles.extend(provider(scope))
        else:
            tiles.extend(provider(scope, {name: result for (at, name), result in results.items() if at == index}))
    page = {name: result for (at, name), result in results.items() if at == "page"}
    return sorted(tiles, key=lambda tile: (tile.order, tile.key)), page


def money_chart(labels: list[str], currency: str, series: list[tuple[str, list[int], str]], **options: Any) -> dict:
    """Chart.js input in integer minor units (the script scales them for display only)."""
    from office import money

    return {
        "labels": labels,
        "currency": currency,
        "exponent": money.exponent(currency),
        "datasets": [{"label": label, "data": data, "color": colour} for label, data, colour in series],
        **options,
    }


def count_chart(labels: list[str], series: list[tuple[str, list[int | float], str]], **options: Any) -> dict:
    return {
        "labels": labels,
        "datasets": [{"label": label, "data": data, "color": colour} for label, data, colour in series],
        **options,
    }


def age_text(since: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """How long something has waited, in days (0: today)."""
    if since is None:
        return "—"
    days = ((now or timezone.now()) - since).days
    return _("%(days)s d") % {"days": max(days, 0)}
