"""Reads of the public site: everything public comes through the showcase registry, so the
A–Z index, the subject navigation and the search also list other apps' items (products)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from cataloging import classification
from cataloging import search as catalog_search
from cataloging import selectors as catalog
from marketing import showcase
from marketing.models import Inquiry, NewsItem, Partner, Resource, Subject, SubjectLink

SEARCH_LIMIT = 10


def all_items(language: str, kind: str = "") -> list[showcase.Item]:
    items: list[showcase.Item] = []
    for source in showcase.sources():
        if not kind or source.kind == kind:
            items.extend(source.items(language))
    return items


def kind_labels() -> dict[str, Any]:
    return {source.kind: source.label for source in showcase.sources()}


def tag_counts(items: list[showcase.Item]) -> list[tuple[str, int]]:
    counts: dict[str, int] = defaultdict(int)
    for item in items:
        for tag in item.extra.get("tags", []):
            counts[tag] += 1
    return sorted(counts.items(), key=lambda row: (-row[1], row[0]))


def related_items(
    item_kind: str, key: str, subjects: tuple[str, ...], language: str, limit: int = 6
) -> list[showcase.Item]:
    """Other public items sharing a CLC main class with this one (any source)."""
    mains = {code[:1] for code in subjects}
    if not mains:
        return []
    found = [
        item
        for item in all_items(language)
        if (item.kind, item.key) != (item_kind, key) and mains & {code[:1] for code in item.subjects}
    ]
    return found[:limit]


# --- A–Z ---------------------------------------------------------------------------------------


def initial(title: str) -> str:
    """The index letter of a title: its first Latin letter, or the pinyin initial of its first
    Chinese character (pypinyin); digits file under "0-9", anything else under "#"."""
    from pypinyin import Style, lazy_pinyin

    text = title.strip()
    if not text:
        return "#"
    first = text[0]
    if first.isascii() and first.isalpha():
        return first.upper()
    if first.isdigit():
        return "0-9"
    letters = lazy_pinyin(first, style=Style.FIRST_LETTER, errors="ignore")
    if letters and letters[0][:1].isascii() and letters[0][:1].isalpha():
        return letters[0][:1].upper()
    return "#"


def az_index(language: str) -> dict[str, list[showcase.Item]]:
    groups: dict[str, list[showcase.Item]] = defaultdict(list)
    for item in all_items(language):
        groups[initial(item.title)].append(item)
    for items in groups.values():
        items.sort(key=lambda item: item.title.lower())
    return dict(groups)


LETTERS = [chr(c) for c in range(ord("A"), ord("Z") + 1)] + ["0-9", "#"]


# --- subject navigation (CLC) ----------------------------------------------------------------


def clc_overview(language: str) -> list[dict[str, Any]]:
    """Each CLC main class with the catalog's record count, our public items and curated links."""
    records = catalog.class_counts(catalog.record_list(user=None, shared_only=True), "clc")
    items: dict[str, int] = defaultdict(int)
    for item in all_items(language):
        for main in {code[:1].upper() for code in item.subjects}:
            items[main] += 1
    links = dict(
        SubjectLink.objects.filter(dead=False)
        .values_list("subject__code")
        .annotate(n=Count("pk"))
        .values_list("subject__code", "n")
    )
    link_counts: dict[str, int] = defaultdict(int)
    for code, n in links.items():
        link_counts[code[:1].upper()] += n
    return [
        {"cls": cls, "records": records.get(cls.code, 0), "items": items[cls.code], "links": link_counts[cls.code]}
        for cls in classification.CLC_CLASSES
    ]


def clc_class(code: str, language: str) -> dict[str, Any] | None:
    key = classification.clc_key(code)
    main = classification.clc_main(key) if key else None
    if main is None:
        return None
    records_qs = catalog.record_list(user=None, shared_only=True)
    subjects = Subject.objects.filter(code__istartswith=key).prefetch_related("children")
    links = SubjectLink.objects.filter(subject__code__istartswith=key[:1], dead=False).select_related(
        "subject", "resource"
    )
    return {
        "key": key,
        "display": classification.clc_display(key),
        "main": main,
        "subjects": list(subjects),
        "links": [
            link
            for link in links
            if link.subject.code.upper().startswith(key) or key.startswith(link.subject.code.upper())
        ],
        "items": [item for item in all_items(language) if any(c.upper().startswith(key) for c in item.subjects)],
        "subdivisions": catalog.class_subdivisions(records_qs, "clc", key),
        "record_count": catalog.class_records(records_qs, "clc", key).count(),
        "records": list(catalog.class_records(records_qs, "clc", key)[:10]),
    }


# --- one search box ------------------------------------------------------------------------------


def search_everything(query: str, language: str) -> list[dict[str, Any]]:
    """Results grouped by kind: every registered source, then the union catalog's records."""
    groups: list[dict[str, Any]] = []
    for source in showcase.sources():
        if source.search is None:
            continue
        found = list(source.search(query, language, SEARCH_LIMIT))
        if found:
            groups.append({"kind": source.kind, "label": source.label, "items": found, "more_url": ""})
    records = catalog_search.keyword_filter(catalog.record_list(user=None, shared_only=True), query)
    found_records = list(records[:SEARCH_LIMIT])
    if found_records:
        items = [
            showcase.Item(
                kind="record",
                key=str(r.pk),
                title=r.title,
                url=reverse("cataloging:public_record_detail", args=[r.pk]),
                summary=" · ".join(filter(None, [", ".join(r.author_list[:2]), str(r.year or "")])),
            )
            for r in found_records
        ]
        more = reverse("cataloging:public_search") + "?" + _q(query)
        groups.append({"kind": "record", "label": None, "items": items, "more_url": more})
    return groups


def _q(query: str) -> str:
    from urllib.parse import urlencode

    return urlencode({"q": query})


# --- public lists -------------------------------------------------------------------------------


def current_news(limit: int | None = None) -> list[NewsItem]:
    qs = NewsItem.objects.current()
    return list(qs[:limit] if limit else qs)


def published_partners() -> list[Partner]:
    return list(Partner.objects.published())


def published_resource(slug: str) -> Resource | None:
    return Resource.objects.published().prefetch_related("subjects", "links").filter(slug=slug).first()


# --- the intranet side ----------------------------------------------------------------------------


def inquiry_queue(status: str = "") -> Any:
    qs = Inquiry.objects.select_related("answered_by")
    if status:
        return qs.filter(status=status)
    return qs.filter(Q(status=Inquiry.Status.NEW) | Q(status=Inquiry.Status.ANSWERED))


def new_inquiry_count() -> int:
    return Inquiry.objects.filter(status=Inquiry.Status.NEW).count()


def today() -> Any:
    return timezone.localdate()
