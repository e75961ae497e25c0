"""What the public site shows: every app registers a *source* of public items (resources,
information-service offerings, digital products, pages...). The showcase, the A–Z index, the
subject navigation, the one search box and the sitemap read every source, so `marketing`
never imports a business app and a business app never edits `marketing`.

    from marketing import showcase

    def products(language: str) -> Iterable[showcase.Item]: ...
    def search_products(query: str, language: str, limit: int) -> Iterable[showcase.Item]: ...

    showcase.register(showcase.Source(kind="product", label=_("Digital products"),
                                      items=products, search=search_products))

Call `register` from the app's AppConfig.ready(). Titles and summaries come in the language
asked for (the caller activates it too).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Item:
    kind: str  # the source's kind: "resource", "service", "product", "page", ...
    key: str  # unique within the kind (a slug or a pk)
    title: str
    url: str  # the item's public page (absolute path, in the language asked for)
    summary: str = ""
    subjects: tuple[str, ...] = ()  # CLC class codes, e.g. ("G", "G25")
    updated: dt.datetime | None = None
    image_url: str = ""
    schema_type: str = "CreativeWork"  # schema.org type of the item's page
    extra: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Source:
    kind: str
    label: Any  # lazy translated label of the kind ("Digital products")
    items: Callable[[str], Iterable[Item]]  # (language) -> every public item
    search: Callable[[str, str, int], Iterable[Item]] | None = None  # (query, language, limit)


_sources: dict[str, Source] = {}


def register(source: Source) -> Source:
    _sources[source.kind] = source
    return source


def sources() -> list[Source]:
    return list(_sources.values())


def get(kind: str) -> Source | None:
    return _sources.get(kind)
