"""The site editors' pages in the intranet: the leadership office and customer service edit
pages, news, partners and resources and answer inquiries; the navigation group curates the
subject tree and its links; the leadership office reads the dashboard. Anyone else: 403."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from marketing import actions, analytics, permissions, selectors
from marketing import dashboard as stats
from marketing.forms import (
    AnswerForm,
    NewsForm,
    PageForm,
    PartnerForm,
    ResourceForm,
    StatusForm,
    SubjectForm,
    SubjectLinkForm,
)
from marketing.models import Inquiry, NewsItem, Page, PageVersion, Partner, Resource, Subject, SubjectLink
from office.exports import csv_response
from office.views_support import run_action


def _allowed(check: Callable[[Any], bool]) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


editor = _allowed(permissions.can_edit_site)
curator = _allowed(permissions.can_curate_subjects)
leadership = _allowed(permissions.can_see_dashboard)


def _edit(
    request: HttpRequest,
    *,
    form_class: type,
    instance: Any,
    save: Callable[[dict[str, Any]], Any],
    list_url: str,
    title: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """GET shows the form; POST validates, calls the action and goes back to the list."""
    files = request.FILES if request.method == "POST" else None
    form = form_class(request.POST or None, files, instance=instance)
    context = {"form": form, "title": title, "object": instance, "list_url": list_url, **(extra or {})}
    if request.method != "POST":
        return render(request, "marketing/manage/edit.html", context)
    return run_action(
        request,
        form,
        save,
        success=_("Saved."),
        redirect_to=list_url,
        template="marketing/manage/edit.html",
        template_context=context,
    )


# --- pages ---------------------------------------------------------------------------------------


@editor
@require_safe
def page_list(request: HttpRequest) -> HttpResponse:
    return render(request, "marketing/manage/page_list.html", {"pages": Page.objects.all()})


@editor
@require_http_methods(["GET", "POST"])
def page_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    page = get_object_or_404(Page, pk=pk) if pk else None
    versions = list(page.versions.select_related("created_by")[:20]) if page else []
    return _edit(
        request,
        form_class=PageForm,
        instance=page,
        save=lambda data: actions.page_save(actor=request.user, page_id=pk, **data),
        list_url="marketing_manage:page_list",
        title=_("Edit page") if page else _("New page"),
        extra={"versions": versions, "page": page},
    )


@editor
@require_safe
def page_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One version, with its differences from the version before (both languages)."""
    page = get_object_or_404(Page, pk=pk)
    version = get_object_or_404(PageVersion, page=page, number=number)
    previous = PageVersion.objects.filter(page=page, number__lt=number).order_by("-number").first()
    diffs = []
    for field in ("title", "title_zh", "summary", "summary_zh", "body", "body_zh"):
        before = getattr(previous, field, "") if previous else ""
        lines = list(difflib.unified_diff(before.splitlines(), getattr(version, field).splitlines(), lineterm="", n=1))
        if lines:
            diffs.append((field, lines[2:]))
    context = {"page": page, "version": version, "previous": previous, "diffs": diffs}
    return render(request, "marketing/manage/page_version.html", context)


# --- news, partners, resources ---------------------------------------------------------------------


@editor
@require_safe
def news_list(request: HttpRequest) -> HttpResponse:
    return render(request, "marketing/manage/news_list.html", {"news": NewsItem.objects.all()})


@editor
@require_http_methods(["GET", "POST"])
def news_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _edit(
        request,
        form_class=NewsForm,
        instance=get_object_or_404(NewsItem, pk=pk) if pk else None,
        save=lambda data: actions.news_save(actor=request.user, news_id=pk, **data),
        list_url="marketing_manage:news_list",
        title=_("News item"),
    )


@editor
@require_safe
def partner_list(request: HttpRequest) -> HttpResponse:
    return render(request, "marketing/manage/partner_list.html", {"partners": Partner.objects.all()})


@editor
@require_http_methods(["GET", "POST"])
def partner_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _edit(
        request,
        form_class=PartnerForm,
        instance=get_object_or_404(Partner, pk=pk) if pk else None,
        save=lambda data: actions.partner_save(actor=request.user, partner_id=pk, **data),
        list_url="marketing_manage:partner_list",
        title=_("Sponsor or partner"),
    )


@editor
@require_safe
def resource_list(request: HttpRequest) -> HttpResponse:
    return render(request, "marketing/manage/resource_list.html", {"resources": Resource.objects.all()})


@editor
@require_http_methods(["GET", "POST"])
def resource_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _edit(
        request,
        form_class=ResourceForm,
        instance=get_object_or_404(Resource, pk=pk) if pk else None,
        save=lambda data: actions.resource_save(actor=request.user, resource_id=pk, **data),
        list_url="marketing_manage:resource_list",
        title=_("Resource"),
    )


# --- subject navigation ------------------------------------------------------------------------------


@curator
@require_safe
def subject_list(request: HttpRequest) -> HttpResponse:
    links = SubjectLink.objects.select_related("subject", "resource")
    dead_only = request.GET.get("dead") == "1"
    if dead_only:
        links = links.filter(dead=True)
    context = {"subjects": Subject.objects.select_related("parent"), "links": links, "dead_only": dead_only}
    return render(request, "marketing/manage/subject_list.html", context)


@curator
@require_http_methods(["GET", "POST"])
def subject_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _edit(
        request,
        form_class=SubjectForm,
        instance=get_object_or_404(Subject, pk=pk) if pk else None,
        save=lambda data: actions.subject_save(actor=request.user, subject_id=pk, **data),
        list_url="marketing_manage:subject_list",
        title=_("Subject"),
    )


@curator
@require_http_methods(["GET", "POST"])
def link_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    return _edit(
        request,
        form_class=SubjectLinkForm,
        instance=get_object_or_404(SubjectLink, pk=pk) if pk else None,
        save=lambda data: actions.subject_link_save(actor=request.user, link_id=pk, **data),
        list_url="marketing_manage:subject_list",
        title=_("Subject link"),
    )


# --- inquiries ---------------------------------------------------------------------------------------


@editor
@require_safe
def inquiry_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in Inquiry.Status.values else ""
    context = {"inquiries": selectors.inquiry_queue(status)[:200], "status": status, "statuses": Inquiry.Status.choices}
    return render(request, "marketing/manage/inquiry_list.html", context)


@editor
@require_http_methods(["GET", "POST"])
def inquiry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inquiry = get_object_or_404(Inquiry, pk=pk)
    form = AnswerForm(request.POST or None, initial={"reply": inquiry.reply})
    context = {"inquiry": inquiry, "form": form, "can_answer": inquiry.can_move_to(Inquiry.Status.ANSWERED)}
    if request.method != "POST":
        return render(request, "marketing/manage/inquiry_detail.html", context)
    return run_action(
        request,
        form,
        lambda data: actions.inquiry_answer(inquiry_id=pk, actor=request.user, reply=data["reply"]),
        success=_("Reply saved; it is being e-mailed."),
        redirect_to=("marketing_manage:inquiry_detail", pk),
        template="marketing/manage/inquiry_detail.html",
        template_context=context,
    )


@editor
@require_POST
def inquiry_status(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(Inquiry, pk=pk)
    return run_action(
        request,
        StatusForm(request.POST),
        lambda data: actions.inquiry_set_status(inquiry_id=pk, actor=request.user, status=data["status"]),
        success=_("Status changed."),
        redirect_to="marketing_manage:inquiry_list",
    )


# --- dashboard -----------------------------------------------------------------------------------------


def _days(request: HttpRequest) -> int:
    try:
        return max(7, min(365, int(request.GET.get("days", "30"))))
    except ValueError:
        return 30


@leadership
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    from marketing.support.selectors import survey_rollup

    analytics.flush()  # this worker's pending page views; the others' follow within the interval
    context = {**stats.dashboard(_days(request)), "satisfaction": survey_rollup(user=request.user)["overall"]}
    return render(request, "marketing/manage/dashboard.html", context)


@leadership
@require_safe
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    """The dashboard's figures as one table (views per day, conversion, campaigns → orders)."""
    analytics.flush()
    data = stats.dashboard(_days(request))
    header = [
        _("Section"),
        _("Key"),
        _("Title"),
        _("Views or arrivals"),
        _("Orders"),
        _("Paid orders"),
        _("Conversion (%)"),
        _("Paid revenue (minor units)"),
        _("Currency"),
    ]
    filename = f"marketing-{data['start'].isoformat()}-{data['end'].isoformat()}.csv"
    return csv_response(filename, header, stats.csv_rows(data))
