"""The public items this app contributes to the showcase registry (marketing/showcase.py):
site pages, the office's resources, and the information-service offerings of `services`."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketing import showcase, tokens
from marketing.models import Page, Resource
from office.models import localized


def _short(text: str) -> str:
    return Truncator(" ".join((text or "").split())).chars(220)


def page_items(language: str) -> Iterable[showcase.Item]:
    for page in Page.objects.published():
        yield showcase.Item(
            kind="page",
            key=page.slug,
            title=localized(page, "title"),
            url=reverse("marketing:page_detail", args=[page.slug]),
            summary=_short(localized(page, "summary") or localized(page, "body")),
            updated=page.updated_at,
            schema_type="WebPage",
            extra={"text": localized(page, "body")},
        )


def resource_items(language: str) -> Iterable[showcase.Item]:
    for resource in Resource.objects.published().prefetch_related("subjects"):
        yield showcase.Item(
            kind="resource",
            key=resource.slug,
            title=localized(resource, "title"),
            url=reverse("marketing:resource_detail", args=[resource.slug]),
            summary=_short(localized(resource, "abstract")),
            subjects=tuple(s.code for s in resource.subjects.all()),
            updated=resource.updated_at,
            schema_type="Dataset",
            extra={
                "tags": resource.tag_list,
                "text": localized(resource, "coverage"),
                "kind_label": resource.get_kind_display(),
            },
        )


def service_items(language: str) -> Iterable[showcase.Item]:
    from services.models import Offering

    for offering in Offering.objects.filter(is_active=True).select_related("department"):
        yield showcase.Item(
            kind="service",
            key=offering.code,
            title=offering.display_name,
            url=reverse("marketing:service_detail", args=[offering.code]),
            summary=_short(offering.display_description),
            updated=offering.updated_at,
            schema_type="Service",
            extra={
                "text": f"{offering.name} {offering.name_zh} {offering.display_description}",
                "kind_label": offering.get_kind_display(),
            },
        )


def _searcher(items):
    def search(query: str, language: str, limit: int) -> list[showcase.Item]:
        found = [
            item
            for item in items(language)
            if tokens.matches(
                query,
                " ".join([item.title, item.summary, str(item.extra.get("text", "")), *item.extra.get("tags", [])]),
            )
        ]
        return found[:limit]

    return search


def register_sources() -> None:
    showcase.register(
        showcase.Source(
            kind="resource",
            label=_("Databases and collections"),
            items=resource_items,
            search=_searcher(resource_items),
        )
    )
    showcase.register(
        showcase.Source(
            kind="service", label=_("Information services"), items=service_items, search=_searcher(service_items)
        )
    )
    showcase.register(
        showcase.Source(
            kind="page", label=pgettext_lazy("site pages", "Pages"), items=page_items, search=_searcher(page_items)
        )
    )
