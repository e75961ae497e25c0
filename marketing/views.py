"""The public site (under /en/ and /zh-hans/): anonymous, no JavaScript needed, served from the
cache for anonymous visitors (marketing/cache.py), every page with its SEO head (seo.py)."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from marketing import analytics, selectors
from marketing.actions import inquiry_create
from marketing.cache import public_page
from marketing.forms import InquiryForm
from marketing.models import NewsItem, Page, Partner
from marketing.seo import absolute, organization_ld, seo
from office.exceptions import DomainError
from office.models import Department, Organization, localized
from office.money import format_money
from office.ratelimit import limit_posts_per_ip


def _home_crumb() -> tuple[str, str]:
    return (_("Home"), reverse("marketing:home"))


@require_safe
@public_page("home")
def home(request: HttpRequest) -> HttpResponse:
    language = get_language()
    office = Organization.objects.filter(is_home=True).first()
    departments = (
        Department.objects.filter(organization=office, parent__isnull=True).prefetch_related("children")
        if office
        else []
    )
    items = selectors.all_items(language)
    context = {
        "office": office,
        "departments": departments,
        "members": Organization.objects.filter(is_active=True, is_home=False),
        "pages": [i for i in items if i.kind == "page"],
        "resources": [i for i in items if i.kind == "resource"][:6],
        "services": [i for i in items if i.kind == "service"][:6],
        "news": selectors.current_news(3),
        "partners": selectors.published_partners()[:8],
        "seo": seo(
            request,
            title=str(office) if office else _("Welcome"),
            description=localized(office, "mission") if office else _("Information services"),
            jsonld=[organization_ld()],
        ),
    }
    return render(request, "marketing/home.html", context)


@require_safe
@public_page(lambda slug: ("page", slug))
def page_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = get_object_or_404(Page.objects.published(), slug=slug)
    crumbs = [_home_crumb(), (localized(page, "title"), request.path)]
    context = {
        "page": page,
        "seo": seo(
            request,
            title=localized(page, "title"),
            description=localized(page, "summary") or localized(page, "body"),
            og_type="article",
            jsonld=[{"@type": "WebPage", "name": localized(page, "title"), "url": absolute(request.path)}],
            breadcrumbs=crumbs,
        ),
    }
    return render(request, "marketing/page_detail.html", context)


@require_safe
@public_page("news")
def news_list(request: HttpRequest) -> HttpResponse:
    crumbs = [_home_crumb(), (_("News"), request.path)]
    context = {
        "news": selectors.current_news(),
        "seo": seo(request, title=_("News"), description=_("News and campaigns of the office."), breadcrumbs=crumbs),
    }
    return render(request, "marketing/news_list.html", context)


@require_safe
@public_page(lambda slug: ("news", slug))
def news_detail(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(NewsItem.objects.current(), slug=slug)
    crumbs = [_home_crumb(), (_("News"), reverse("marketing:news_list")), (localized(item, "title"), request.path)]
    ld = {"@type": "NewsArticle", "headline": localized(item, "title"), "datePublished": item.publish_from.isoformat()}
    context = {
        "item": item,
        "seo": seo(
            request,
            title=localized(item, "title"),
            description=localized(item, "body"),
            og_type="article",
            jsonld=[ld],
            breadcrumbs=crumbs,
        ),
    }
    return render(request, "marketing/news_detail.html", context)


@require_safe
@public_page("partners")
def partner_list(request: HttpRequest) -> HttpResponse:
    partners = selectors.published_partners()
    crumbs = [_home_crumb(), (_("Sponsors and partners"), request.path)]
    context = {
        "sponsors": [p for p in partners if p.kind == Partner.Kind.SPONSOR],
        "partners": [p for p in partners if p.kind == Partner.Kind.PARTNER],
        "seo": seo(
            request,
            title=_("Sponsors and partners"),
            description=_("The sponsors and partners who work with the office."),
            breadcrumbs=crumbs,
        ),
    }
    return render(request, "marketing/partner_list.html", context)


@require_safe
def partner_logo(request: HttpRequest, pk: int) -> FileResponse:
    """A published partner's logo (uploads are never served by path)."""
    partner = get_object_or_404(Partner.objects.published(), pk=pk)
    if not partner.logo:
        raise Http404
    response = FileResponse(partner.logo.open("rb"))
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    if partner.logo.name.lower().endswith(".svg"):
        response["Content-Type"] = "image/svg+xml"
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


@require_safe
@public_page("showcase")
def showcase_list(request: HttpRequest) -> HttpResponse:
    language = get_language()
    kind, tag = request.GET.get("kind", ""), request.GET.get("tag", "")
    items = selectors.all_items(language)
    tags = selectors.tag_counts(items)
    shown = [i for i in items if (not kind or i.kind == kind) and (not tag or tag in i.extra.get("tags", []))]
    labels = selectors.kind_labels()
    groups = [{"kind": k, "label": labels[k], "items": [i for i in shown if i.kind == k]} for k in labels]
    crumbs = [_home_crumb(), (_("Resources and services"), reverse("marketing:showcase_list"))]
    context = {
        "groups": [g for g in groups if g["items"]],
        "kinds": labels,
        "kind": kind,
        "tag": tag,
        "tags": tags,
        "seo": seo(
            request,
            title=_("Resources and services"),
            description=_("Every database, digital collection, information service and digital product of the office."),
            breadcrumbs=crumbs,
        ),
    }
    return render(request, "marketing/showcase_list.html", context)


@require_safe
@public_page(lambda slug: ("resource", slug))
def resource_detail(request: HttpRequest, slug: str) -> HttpResponse:
    resource = selectors.published_resource(slug)
    if resource is None:
        raise Http404
    title = localized(resource, "title")
    subjects = list(resource.subjects.all())
    crumbs = [_home_crumb(), (_("Resources and services"), reverse("marketing:showcase_list")), (title, request.path)]
    ld: dict[str, Any] = {
        "@type": "Dataset",
        "name": title,
        "description": localized(resource, "abstract"),
        "url": absolute(request.path),
        "keywords": resource.tag_list,
        "creator": organization_ld(),
    }
    if resource.fulltext_url:
        ld["isAccessibleForFree"] = True
        ld["distribution"] = {"@type": "DataDownload", "contentUrl": resource.fulltext_url}
    if localized(resource, "coverage"):
        ld["temporalCoverage" if any(ch.isdigit() for ch in resource.coverage[:4]) else "spatialCoverage"] = (
            resource.coverage
        )
    context = {
        "resource": resource,
        "subjects": subjects,
        "related": selectors.related_items("resource", slug, tuple(s.code for s in subjects), get_language()),
        "seo": seo(request, title=title, description=localized(resource, "abstract"), jsonld=[ld], breadcrumbs=crumbs),
    }
    return render(request, "marketing/resource_detail.html", context)


@require_safe
@public_page(lambda code: ("service", code))
def service_detail(request: HttpRequest, code: str) -> HttpResponse:
    from services.models import Offering

    offering = get_object_or_404(Offering.objects.select_related("department"), code=code, is_active=True)
    title = offering.display_name
    crumbs = [_home_crumb(), (_("Resources and services"), reverse("marketing:showcase_list")), (title, request.path)]
    ld: dict[str, Any] = {
        "@type": "Service",
        "name": title,
        "description": offering.display_description,
        "serviceType": str(offering.get_kind_display()),
        "provider": organization_ld(),
        "url": absolute(request.path),
    }
    if offering.price_minor:
        ld["offers"] = {
            "@type": "Offer",
            "price": f"{offering.price_minor / 100:.2f}",
            "priceCurrency": offering.currency,
        }
    context = {
        "offering": offering,
        "price": format_money(offering.price_minor, offering.currency) if offering.price_minor else "",
        "related": [i for i in selectors.all_items(get_language(), "service") if i.key != code][:4],
        "seo": seo(request, title=title, description=offering.display_description, jsonld=[ld], breadcrumbs=crumbs),
    }
    return render(request, "marketing/service_detail.html", context)


@require_safe
@public_page("subjects")
def subject_browse(request: HttpRequest) -> HttpResponse:
    language = get_language()
    code = request.GET.get("clc", "").strip()
    crumbs = [_home_crumb(), (_("Browse by subject"), reverse("marketing:subject_browse"))]
    context: dict[str, Any] = {"overview": None, "cls": None, "error": ""}
    if code:
        cls = selectors.clc_class(code, language)
        if cls is None:
            context["error"] = _("“%(value)s” is not a class of the Chinese Library Classification.") % {
                "value": code[:40]
            }
        else:
            context["cls"] = cls
            crumbs.append((f"{cls['display']} {cls['main'].name_zh}", f"{request.path}?clc={cls['key']}"))
    if context["cls"] is None:
        context["overview"] = selectors.clc_overview(language)
    context["seo"] = seo(
        request,
        title=_("Browse by subject"),
        description=_(
            "Resources, services, catalog records and selected web sites by class of the "
            "Chinese Library Classification."
        ),
        breadcrumbs=crumbs,
    )
    return render(request, "marketing/subject_browse.html", context)


@require_safe
@public_page("a-z")
def az_index(request: HttpRequest) -> HttpResponse:
    groups = selectors.az_index(get_language())
    letter = request.GET.get("letter", "")
    crumbs = [_home_crumb(), (_("A–Z index"), reverse("marketing:az_index"))]
    context = {
        "letters": [(x, len(groups.get(x, []))) for x in selectors.LETTERS],
        "letter": letter,
        "groups": [(x, groups[x]) for x in selectors.LETTERS if x in groups and (not letter or x == letter)],
        "labels": selectors.kind_labels(),
        "seo": seo(
            request,
            title=_("A–Z index"),
            description=_("Every resource, service and product from A to Z."),
            breadcrumbs=crumbs,
        ),
    }
    return render(request, "marketing/az_index.html", context)


@require_safe
@public_page("search")
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    groups = selectors.search_everything(query, get_language()) if query else []
    crumbs = [_home_crumb(), (_("Search"), reverse("marketing:search"))]
    context = {
        "q": query,
        "groups": groups,
        "labels": selectors.kind_labels(),
        "seo": seo(
            request,
            title=_("Search"),
            description=_("Search the whole site and the union catalog."),
            breadcrumbs=crumbs,
        ),
    }
    response = render(request, "marketing/search.html", context)
    if query and not groups:
        response.marketing_no_result = query  # type: ignore[attr-defined]  (logged on every serve)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@limit_posts_per_ip("marketing_inquiry")
def inquiry_form(request: HttpRequest) -> HttpResponse:
    """The cooperation inquiry form (no JavaScript): honeypot, time stamp, per-IP limit."""
    crumbs = [_home_crumb(), (_("Cooperation"), request.path)]
    context: dict[str, Any] = {
        "seo": seo(
            request,
            title=_("Cooperation inquiry"),
            description=_("Write to the office about cooperation."),
            breadcrumbs=crumbs,
        ),
        "sent": False,
    }
    if request.method != "POST":
        initial = {"subject": request.GET.get("subject", "")[:200]}
        if request.GET.get("kind") in {"general", "cooperation"}:
            initial["kind"] = request.GET["kind"]
        analytics.record_view(request, "cooperation")
        context["form"] = InquiryForm(initial=initial)
        return render(request, "marketing/inquiry_form.html", context)
    form = InquiryForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, "marketing/inquiry_form.html", context)
    if not form.is_spam():
        data = {k: form.cleaned_data[k] for k in ("kind", "name", "email", "organisation", "subject", "message")}
        try:
            inquiry_create(
                **data,
                language=get_language(),
                source_url=request.headers.get("Referer", "")[:500],
                user=request.user,
                campaign=analytics.campaign_for(request),
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
            return render(request, "marketing/inquiry_form.html", context)
    # A bot is told the same as a person, so it learns nothing about the filter.
    context.update(sent=True, form=None)
    return render(request, "marketing/inquiry_form.html", context)
