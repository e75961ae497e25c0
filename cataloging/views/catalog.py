"""Finding records: the catalog search and the classification browse, for staff and the public."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cataloging import classification, search, selectors
from cataloging.models import BibRecord
from cataloging.public_cache import cached_for_anonymous
from cataloging.views.common import PAGE_SIZE
from office.access import staff_required

# --- search ----------------------------------------------------------------------------------------


def _sort_choices(params: search.SearchParams) -> list[tuple[str, str]]:
    labels = {
        "relevance": _("Relevance"),
        "title": _("Title"),
        "newest": _("Newest first"),
        "oldest": _("Oldest first"),
    }
    return [(sort, labels[sort]) for sort in search.SORTS if sort != "relevance" or params.q]


def _search_context(request: HttpRequest, qs: Any) -> dict[str, Any]:
    params = search.SearchParams.from_query(request.GET)
    results = search.apply(qs, params)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    found = page.paginator.count
    return {
        "params": params,
        "page_obj": page,
        "records": page.object_list,
        "truncated": search.is_truncated(results),
        "ranked_all": search.rum_available(),
        "window": search.RANK_WINDOW,
        "facets": search.facets(results) if not params.is_empty or request.GET else search.facets(qs),
        "formats": BibRecord.Format.choices,
        "sorts": _sort_choices(params),
        # The sort form sends the search again: every parameter but the sort and the page.
        "kept": [(name, value) for name, value in vars(params).items() if value and name != "sort"],
        "suggestion": search.suggestion(qs, params, found) if params.q else "",
    }


@staff_required
@require_GET
def record_search(request: HttpRequest) -> HttpResponse:
    context = _search_context(request, selectors.record_list(user=request.user))
    return render(request, "cataloging/record_search.html", context)


@require_GET
@cached_for_anonymous
def public_search(request: HttpRequest) -> HttpResponse:
    context = _search_context(request, selectors.record_list(user=None, shared_only=True))
    context["public"] = True
    return render(request, "cataloging/record_search.html", context)


# --- classification browse -----------------------------------------------------------------------


def _browse_context(request: HttpRequest, qs: Any) -> dict[str, Any]:
    """The overview of both schemes with counts, or one class (`?clc=G25`, `?dewey=3`): its
    subdivisions as found in the records, and its records in shelf order, paged."""
    context: dict[str, Any] = {"scheme": None, "error": ""}
    scheme = "clc" if "clc" in request.GET else "dewey" if "dewey" in request.GET else None
    raw = request.GET.get(scheme, "") if scheme else ""
    key = ""
    main: classification.MainClass | None = None
    if scheme == "clc":
        key = classification.clc_key(raw)
        main = classification.clc_main(key)
    elif scheme == "dewey":
        key = classification.dewey_key(raw)
        main = classification.dewey_main(key)
    if scheme and (not key or main is None):
        context["error"] = (
            _("“%(value)s” is not a class of the Chinese Library Classification.")
            if scheme == "clc"
            else _("“%(value)s” is not a Dewey class (one to three digits).")
        ) % {"value": raw[:40]}
        scheme = None
    if scheme is None:
        clc_counts = selectors.class_counts(qs, "clc")
        dewey_counts = selectors.class_counts(qs, "dewey")
        context["clc_classes"] = [(c, clc_counts.get(c.code, 0)) for c in classification.CLC_CLASSES]
        context["dewey_classes"] = [(c, dewey_counts.get(c.code, 0)) for c in classification.DEWEY_CLASSES]
        return context
    display = classification.clc_display if scheme == "clc" else classification.dewey_display
    page = Paginator(selectors.class_records(qs, scheme, key), PAGE_SIZE).get_page(request.GET.get("page"))
    context.update(
        {
            "scheme": scheme,
            "key": key,
            "display": display(key),
            "main": main,
            "trail": [(key[:n], display(key[:n])) for n in range(1, len(key))],
            "subdivisions": selectors.class_subdivisions(qs, scheme, key),
            "page_obj": page,
            "records": page.object_list,
        }
    )
    return context


@staff_required
@require_GET
def classification_browse(request: HttpRequest) -> HttpResponse:
    context = _browse_context(request, selectors.record_list(user=request.user))
    return render(request, "cataloging/classification_browse.html", context)


@require_GET
def public_classification_browse(request: HttpRequest) -> HttpResponse:
    context = _browse_context(request, selectors.record_list(user=None, shared_only=True))
    context["public"] = True
    return render(request, "cataloging/classification_browse.html", context)
