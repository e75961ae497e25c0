"""What every public page puts in its <head> for search engines: canonical address, hreflang
alternates, meta description, OpenGraph and schema.org JSON-LD. Views build the context with
`seo(...)`; `templates/marketing/_seo.html` renders it (the storefront includes it too)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.text import Truncator
from django.utils.translation import get_language

from office.models import Organization, localized


def in_language(path: str, language: str, source: str | None = None) -> str:
    """The same page in another language: `path` is resolved in `source` (the active language
    by default), then reversed in `language`."""
    from django.utils import translation

    with translation.override(source or get_language()):
        return translate_url(path, language)


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def organization_ld() -> dict[str, Any]:
    office = Organization.objects.filter(is_home=True).first()
    data: dict[str, Any] = {"@type": "Organization", "name": str(office) if office else "", "url": absolute("/")}
    if office is not None:
        description = localized(office, "mission") if hasattr(office, "mission") else ""
        if description:
            data["description"] = description
    return data


def breadcrumbs_ld(crumbs: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": str(name), "item": absolute(url)}
            for i, (name, url) in enumerate(crumbs, start=1)
        ],
    }


def seo(
    request: HttpRequest,
    *,
    title: str,
    description: str,
    og_type: str = "website",
    jsonld: list[dict[str, Any]] | None = None,
    breadcrumbs: list[tuple[str, str]] | None = None,
    image: str = "",
) -> dict[str, Any]:
    """The `seo` context of a public page (in the language being shown)."""
    path = request.path
    graph = [*(jsonld or [])]
    if breadcrumbs:
        graph.append(breadcrumbs_ld(breadcrumbs))
    for node in graph:
        node.setdefault("@context", "https://schema.org")
    alternates = []
    for code, _name in settings.LANGUAGES:
        translated = translate_url(path, code)
        alternates.append({"lang": code, "url": absolute(translated), "path": translated})
    return {
        "title": str(title),
        "description": Truncator(" ".join(str(description).split())).chars(160),
        "canonical": absolute(path),
        "og_type": og_type,
        "image": absolute(image) if image.startswith("/") else image,
        "alternates": alternates,
        "default_url": absolute(translate_url(path, settings.LANGUAGE_CODE)),
        "language": get_language(),
        "jsonld": graph,
        "breadcrumbs": breadcrumbs or [],
    }
