"""Delivering an order: the delivery, the download link, the formal report, the client's confirmation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from services import actions, forms, permissions, selectors
from services.models import DownloadLink, OrderFile
from services.views.common import _act, _file_response, _order


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    """A delivered file through its expiring link: only the client it was made for."""
    try:
        link = actions.download_link_resolve(link_id=pk, user=request.user)
    except DownloadLink.DoesNotExist:
        raise Http404 from None
    return _file_response(link.file)


@login_required
@require_POST
def order_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    if not permissions.works_on(request.user, order):
        raise PermissionDenied
    return _act(
        request,
        pk,
        forms.DeliverForm(request.POST, files=list(order.files.exclude(kind=OrderFile.Kind.REQUIREMENT))),
        lambda o, data: actions.order_deliver(
            order_id=o.pk,
            actor=request.user,
            channel=data["channel"],
            file_ids=data["files"],
            fax_number=data["fax_number"],
            postal_address=data["postal_address"],
            tracking_number=data["tracking_number"],
            note=data["note"],
        ),
        _("The delivery was recorded."),
    )


@login_required
@require_POST
def order_report(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    if not permissions.works_on(request.user, order):
        raise PermissionDenied
    return _act(
        request,
        pk,
        forms.ReportForm(request.POST, reviewers=selectors.reviewers_for(order)),
        lambda o, data: actions.report_issue(
            order_id=o.pk,
            actor=request.user,
            reviewer_id=data["reviewer"],
            findings=data["findings"],
            conclusion=data["conclusion"],
        ),
        _("The report was issued."),
    )


@login_required
@require_POST
def order_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.is_order_client(request.user, _order(request, pk)):
        raise PermissionDenied
    return _act(
        request,
        pk,
        forms.ConfirmForm(request.POST),
        lambda o, data: actions.order_confirm(
            order_id=o.pk, actor=request.user, rating=data["rating"], comment=data["comment"]
        ),
        _("Thank you for your rating."),
    )
