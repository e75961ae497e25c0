"""Work on an order: assigning, starting, messages and the work log, files."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from services import actions, forms, permissions, selectors
from services.models import OrderFile
from services.views.common import _act, _file_response, _order


@login_required
@require_POST
def order_assign(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    if not (permissions.leads(request.user, order) and permissions.works_on(request.user, order)):
        raise PermissionDenied
    return _act(
        request,
        pk,
        forms.AssignForm(request.POST, staff=list(selectors.assignable_staff(order))),
        lambda o, data: actions.order_assign(order_id=o.pk, actor=request.user, assignee_id=data["assignee"]),
        _("The order was assigned."),
    )


@login_required
@require_POST
def order_start(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, None, lambda o, data: actions.order_start(order_id=o.pk, actor=request.user), _("Work started.")
    )


@login_required
@require_POST
def order_message(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        forms.MessageForm(request.POST, log_work=permissions.can_log_work(request.user, _order(request, pk))),
        lambda o, data: actions.order_message_post(
            order_id=o.pk,
            actor=request.user,
            body=data["body"],
            internal=data.get("internal", False),
            minutes_spent=data.get("minutes_spent") or 0,
        ),
        _("Saved."),
    )


@login_required
@require_POST
def order_file_upload(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    kind = (
        OrderFile.Kind.REQUIREMENT if permissions.is_order_client(request.user, order) else OrderFile.Kind.DELIVERABLE
    )
    return _act(
        request,
        pk,
        forms.FileForm(request.POST, request.FILES),
        lambda o, data: actions.order_file_add(order_id=o.pk, actor=request.user, upload=data["file"], kind=kind),
        _("The file was uploaded."),
    )


@login_required
@require_GET
def order_file_download(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """Staff on the order fetch any of its files; the client its own attachments (deliverables
    reach it through download links or other channels)."""
    order = _order(request, pk)
    files = order.files.all()
    if not permissions.works_on(request.user, order):
        files = files.filter(kind=OrderFile.Kind.REQUIREMENT)
    item = get_object_or_404(files, pk=file_pk)
    return _file_response(item)
