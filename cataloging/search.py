"""Catalog search: ranked full-text search on PostgreSQL, a plain `icontains` fallback on SQLite.

Chinese has no spaces, and PostgreSQL ships no Chinese parser: `to_tsvector('simple',
'中文信息检索')` is ONE token, so a search for 信息检索 would never match. We therefore
index, and query, overlapping character bigrams of every run of Chinese characters
(`marc.cjk_bigrams`, the technique of Lucene's CJK analyzer) in a `simple`-config tsvector
with a GIN index: "信息检索" becomes 信息 & 息检 & 检索, which matches inside longer titles
and is ranked with ts_rank like any other word. Latin words are matched whole (`simple`
config: no stemming, so a mixed-language catalog treats both alike).
The fielded searches (title, author, subject) use `icontains`, which PostgreSQL answers
from pg_trgm GIN indexes on UPPER(column) (gin_trgm_ops, migration 0005; Django writes
icontains as UPPER(col) LIKE UPPER(pattern)), in Chinese too: pg_trgm hashes non-ASCII
trigrams under the cluster's C.UTF-8 locale; two-character Chinese text, too short for a
trigram, is narrowed by the bigram tsvector first (`_contains`). A one-character keyword cannot be
bigrammed and falls back to `icontains` as well.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, transaction
from django.db.models import Count, F, FloatField, Func, Q, QuerySet, Value

from cataloging.classification import CLC_BY_CODE
from cataloging.marc import _CJK, cjk_bigrams, normalize_isbn
from cataloging.models import BibRecord, Holding, RecordIdentifier

_WORD = re.compile(r"\w+", re.UNICODE)


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def refresh_search_vector(record_ids: Iterable[int]) -> None:
    """Rebuild the tsvector of these records from their `search_text` (PostgreSQL only)."""
    if not is_postgres():
        return
    for record in BibRecord.objects.filter(pk__in=list(record_ids)).only("pk", "search_text"):
        BibRecord.objects.filter(pk=record.pk).update(
            search_vector=SearchVector(Value(cjk_bigrams(record.search_text.lower())), config="simple")
        )


def _terms(text: str) -> list[str]:
    return _WORD.findall((text or "").lower())


# At a million records a very common word (研究, "the") matches half the catalog; counting
# those matches, or counting facets over them, costs seconds. Results are therefore a bounded
# window of RANK_WINDOW records, and facets count that window (FACET_WINDOW records for a
# search without keywords). Which records make the window depends on what the database offers:
#
# * With the RUM index (PostgreSQL's `rum` extension, migration 0008) the window is the best
#   RANK_WINDOW matches of the WHOLE match set, in rank order, read straight from the index
#   (`ORDER BY search_vector <=> query LIMIT k`): RUM keeps each word's positions in the index
#   and ranks every match there (a cover-density rank, `rum_ts_score`), without reading the
#   table, and the table is read for the k records returned only.
# * Without it (the extension not installed) the window is the first RANK_WINDOW matches in
#   physical order, ranked with ts_rank among themselves, as Evergreen does with its
#   "superpages": exact whenever a query matches fewer records than the window, but for a
#   common word the best records may lie outside it.
#
# Which path is used is decided at run time, once per process and database (`rum_available`).
# Either way a keyword query that matches more than the window shows (and pages through) the
# window and says so ("more than 2,000").
RANK_WINDOW = 2_000
FACET_WINDOW = 5_000
RUM_INDEX = "cataloging_bibrecord_search_rum"
_rum_checked: dict[str, bool] = {}


def rum_available() -> bool:
    """True where the RUM index exists (so the extension too): looked up once per process and database."""
    if not is_postgres():
        return False
    name = str(connection.settings_dict["NAME"])
    if name not in _rum_checked:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [RUM_INDEX])
            _rum_checked[name] = cursor.fetchone() is not None
    return _rum_checked[name]


class RumDistance(Func):
    """`search_vector <=> query`: RUM's rank distance (1 / rum_ts_score, smaller is better);
    an ORDER BY on it with a LIMIT is answered by the RUM index."""

    arg_joiner = " <=> "
    template = "(%(expressions)s)"
    output_field = FloatField()


def ranked_tsquery(text: str) -> SearchQuery | None:
    """The ranked full-text query of a keyword search; None where it is not ranked (SQLite,
    a one-character term, which the bigram index cannot hold)."""
    query_text = cjk_bigrams(" ".join(_terms(text)))
    if query_text and is_postgres() and all(len(t) > 1 for t in query_text.split()):
        return SearchQuery(query_text, config="simple", search_type="plain")
    return None


def window_lookup(qs: QuerySet[BibRecord], query: SearchQuery) -> QuerySet[BibRecord]:
    """The ids of the window (RANK_WINDOW + 1, to know whether more matched): with RUM the best
    matches of all, best first; without it the first matches found by the GIN index."""
    matches = qs.filter(search_vector=query)
    if rum_available():
        matches = matches.order_by(RumDistance(F("search_vector"), query))
    else:
        matches = matches.order_by()
    return matches.values_list("pk", flat=True)[: RANK_WINDOW + 1]


def _look_up(qs: QuerySet[BibRecord], query: SearchQuery, *, rum: bool) -> list[int]:
    """The window's ids. RUM ranks every match in memory before it returns the best: for a
    common word that is more than PostgreSQL's default work_mem, and the sort went to disk, so
    the look-up runs with CATALOG_RANK_WORK_MEM (for its transaction only)."""
    if not rum:
        return list(window_lookup(qs, query))
    with transaction.atomic(using=qs.db), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('work_mem', %s, true)", [settings.CATALOG_RANK_WORK_MEM])
        return list(window_lookup(qs, query))


def keyword_filter(qs: QuerySet[BibRecord], text: str) -> QuerySet[BibRecord]:
    """Ranked on PostgreSQL (best first), every word required on both databases."""
    terms = _terms(text)
    if not terms:
        return qs
    query = ranked_tsquery(text)
    if query is not None:
        # One look-up of the index gives the window's ids and whether more matched; the page,
        # its count and its facets then read those ids, not the index again.
        rum = rum_available()
        found = _look_up(qs, query, rum=rum)
        window = found[:RANK_WINDOW]
        if rum:  # the best of all matches; ordered again, by the same distance, within them
            distance = RumDistance(F("search_vector"), query)
            ranked = qs.filter(pk__any=window).annotate(distance=distance).order_by("distance", "pk")
        else:
            ranked = (
                qs.filter(pk__any=window).annotate(rank=SearchRank(F("search_vector"), query)).order_by("-rank", "pk")
            )
        # With RUM the look-up gave the window best first: a page is read by its own ids.
        return _ranked_window(ranked, window=window, truncated=len(found) > RANK_WINDOW, pages_by_rank=rum)
    return _matching(qs, text)


def _matching(qs: QuerySet[BibRecord], text: str) -> QuerySet[BibRecord]:
    """The records matching every word of `text`, unranked: the tsvector where it can hold the
    words, `icontains` otherwise (SQLite, a one-character word)."""
    query = ranked_tsquery(text)
    if query is not None:
        return qs.filter(search_vector=query)
    for term in _terms(text):
        qs = qs.filter(search_text__icontains=term)
    return qs


def _window_page(self: QuerySet[BibRecord], k: Any) -> Any:
    """A slice of a window in rank order (the RUM look-up's order) reads the slice's records
    only, by id, instead of ordering the whole window in the database to keep twenty (every
    record's search vector read to rank it again). Within the page the records keep the
    queryset's order (the same distance, then id); any other use of the window, and a window
    ordered otherwise (`order_by` makes a copy without `_pages_by_rank`), is the queryset's."""
    if isinstance(k, slice) and getattr(self, "_pages_by_rank", False) and k.step is None:
        ids = self.window_ids[k]  # type: ignore[attr-defined]
        return list(self.filter(pk__any=ids)) if ids else []
    return QuerySet.__getitem__(self, k)


def _ranked_window(
    ranked: QuerySet[BibRecord], *, window: list[int], truncated: bool, pages_by_rank: bool
) -> QuerySet[BibRecord]:
    """`ranked` (the window) knowing its ids, its size (for the paginator) and whether more
    matched; facets count the window by its ids; `pages_by_rank`: `window` is in rank order."""
    windowed = ranked._chain()  # type: ignore[attr-defined]
    attributes = {
        "count": lambda self: len(window),
        "truncated": truncated,
        "window_ids": window,
        "__getitem__": _window_page,
    }
    windowed.__class__ = type("RankedWindow", (ranked.__class__,), attributes)
    windowed._pages_by_rank = pages_by_rank  # an instance's: a copy (order_by) does not keep it
    return windowed


def is_truncated(results: QuerySet[BibRecord]) -> bool:
    """True when a keyword search matched more records than RANK_WINDOW: only RANK_WINDOW of
    them are shown and paged through."""
    return bool(getattr(results, "truncated", False))


def _contains(qs: QuerySet[BibRecord], text: str, *columns: str) -> QuerySet[BibRecord]:
    """`icontains` on any of `columns`. pg_trgm needs three characters, and a Chinese name or
    word is often two (王伟, 信息), which left a scan of the whole table; so on PostgreSQL the
    Chinese runs of `text` also go to the bigram tsvector: every character pair of the text
    is a token of a record that contains it, the GIN index narrows, `icontains` decides."""
    match = Q()
    for column in columns:
        match |= Q(**{f"{column}__icontains": text})
    qs = qs.filter(match)
    runs = [run for run in _CJK.findall(text) if len(run) > 1]
    if runs and is_postgres():
        query = SearchQuery(cjk_bigrams(" ".join(runs)).lower(), config="simple", search_type="plain")
        qs = qs.filter(search_vector=query)
    return qs


# The orders a result list can be sorted in (`?sort=`); relevance only for a keyword search,
# which it is the default of, title for any other. A keyword search sorts its window (the
# RANK_WINDOW best matches) otherwise. Newest first has its own index (migration 0009).
SORTS = ("relevance", "title", "newest", "oldest")
ORDERINGS: dict[str, tuple[Any, ...]] = {
    "title": ("title", "pk"),
    "newest": (F("year").desc(nulls_last=True), "-pk"),
    "oldest": (F("year").asc(nulls_last=True), "pk"),
}


@dataclass
class SearchParams:
    q: str = ""
    title: str = ""
    author: str = ""
    subject: str = ""
    isbn: str = ""
    clc: str = ""
    year: str = ""
    language: str = ""
    format: str = ""
    office: str = ""
    sort: str = ""

    @classmethod
    def from_query(cls, data: Any) -> SearchParams:
        params = cls(**{name: (data.get(name) or "").strip()[:200] for name in cls.__dataclass_fields__})
        if params.sort not in SORTS or (params.sort == "relevance" and not params.q):
            params.sort = ""
        return params

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in self.__dataclass_fields__ if name != "sort")

    @property
    def has_filters(self) -> bool:
        """Anything narrowing the search besides its keywords."""
        return any(getattr(self, name) for name in self.__dataclass_fields__ if name not in {"q", "sort"})

    @property
    def sort_or_default(self) -> str:
        return self.sort or ("relevance" if self.q else "title")


def _filtered(qs: QuerySet[BibRecord], params: SearchParams) -> QuerySet[BibRecord]:
    """Every condition of `params` but the keywords. Holdings and identifiers are matched by
    subqueries, not joins, so no record repeats and no DISTINCT keeps an index from ordering."""
    if params.title:
        qs = _contains(qs, params.title, "title")
    if params.author:
        qs = _contains(qs, params.author, "authors", "responsibility")
    if params.subject:
        qs = _contains(qs, params.subject, "subjects")
    if params.isbn:
        isbn = normalize_isbn(params.isbn)
        held = RecordIdentifier.objects.filter(scheme="isbn", value=isbn).values("record_id")
        qs = qs.filter(pk__in=held) if isbn else qs.none()
    if params.clc:
        qs = qs.filter(clc__istartswith=params.clc)
    # isdigit() is true of "²" and "①" too, which int() refuses; a year is ASCII digits.
    if params.year.isascii() and params.year.isdigit():
        qs = qs.filter(year=int(params.year))
    if params.language:
        qs = qs.filter(language=params.language)
    if params.format:
        qs = qs.filter(format=params.format)
    if params.office:
        holders = Holding.objects.filter(organization__code=params.office).values("record_id")
        qs = qs.filter(Q(pk__in=holders) | Q(organization__code=params.office))
    return qs


def apply(qs: QuerySet[BibRecord], params: SearchParams) -> QuerySet[BibRecord]:
    qs = _filtered(qs, params)
    ordering = ORDERINGS.get(params.sort_or_default)
    if params.q:
        results = keyword_filter(qs, params.q)
        return results.order_by(*ordering) if ordering else results
    return qs.order_by(*(ordering or ORDERINGS["title"]))


# --- did you mean ---------------------------------------------------------------------------------

SUGGEST_BELOW = 3  # a keyword search finding fewer records than this gets a suggestion, if one finds more
SUGGEST_SIMILARITY = 0.4


def _closest_term(cursor: Any, word: str) -> str:
    """The catalog word most like `word` (pg_trgm similarity, from the indexed term table), or ''."""
    cursor.execute("SELECT 1 FROM cataloging_searchterm WHERE term = %s", [word])
    if cursor.fetchone() is not None:
        return word
    cursor.execute(
        "SELECT term, similarity(term, %s) AS s FROM cataloging_searchterm"
        " WHERE term %% %s ORDER BY s DESC, term LIMIT 1",
        [word, word],
    )
    row = cursor.fetchone()
    return row[0] if row and row[1] >= SUGGEST_SIMILARITY else ""


def suggestion(qs: QuerySet[BibRecord], params: SearchParams, found: int) -> str:
    """A corrected keyword query for a search that found (almost) nothing: each word not in
    the catalog replaced by the closest word that is (titles and subject headings of shared
    records, migration 0009), offered only if it finds more records than `found` under the
    same filters. PostgreSQL only ('' on SQLite); at most six words, one indexed look-up each."""
    words = _terms(params.q)[:6]
    if not words or found >= SUGGEST_BELOW or not is_postgres():
        return ""
    with connection.cursor() as cursor:
        closest = [_closest_term(cursor, word) or word for word in words]
    corrected = " ".join(closest)
    if closest == words:
        return ""
    matches = _matching(_filtered(qs, params), corrected).order_by().values_list("pk", flat=True)
    return corrected if len(matches[: found + 1]) > found else ""


def facets(qs: QuerySet[BibRecord]) -> dict[str, list[dict[str, Any]]]:
    """Counts per year, language, format, CLC main class and holding office over the first
    FACET_WINDOW records of `qs` (all of them when there are fewer), or over a keyword search's
    window by its ids (no second pass over the records to find them again): two queries,
    whatever the size."""
    ids: Any = getattr(qs, "window_ids", None)
    if ids is None:
        ids = qs.order_by().values("pk")
        if is_postgres():
            ids = ids[:FACET_WINDOW]
    # One scan of the window for the three record facets, counted here, instead of three GROUP BYs.
    year_n: Counter[int] = Counter()
    language_n: Counter[str] = Counter()
    format_n: Counter[str] = Counter()
    clc_n: Counter[str] = Counter()
    among = "any" if isinstance(ids, list) else "in"  # a window's ids as one array, else a subquery
    rows = BibRecord.objects.filter(**{f"pk__{among}": ids}).order_by().values_list("year", "language", "format", "clc")
    for year, language, fmt, clc in rows:
        if year is not None:
            year_n[year] += 1
        if language:
            language_n[language] += 1
        format_n[fmt] += 1
        main_class = (clc or "").strip()[:1].upper()
        if main_class in CLC_BY_CODE:
            clc_n[main_class] += 1
    years = [{"year": y, "n": n} for y, n in sorted(year_n.items(), reverse=True)[:15]]
    languages = [{"language": c, "n": n} for c, n in sorted(language_n.items(), key=lambda i: (-i[1], i[0]))[:10]]
    labels = dict(BibRecord.Format.choices)
    by_count = sorted(format_n.items(), key=lambda i: (-i[1], i[0]))
    formats = [{"format": f, "label": labels.get(f, f), "n": n} for f, n in by_count]
    offices = list(
        Holding.objects.filter(**{f"record_id__{among}": ids})
        .values("organization__code", "organization__name", "organization__name_zh")
        .annotate(n=Count("pk"))  # one holding per record and office (holding_one_per_office)
        .order_by("-n", "organization__name")[:20]
    )
    classes = [{"clc": c, "n": n} for c, n in sorted(clc_n.items(), key=lambda i: (-i[1], i[0]))]
    return {"year": years, "language": languages, "format": formats, "clc": classes, "office": offices}
