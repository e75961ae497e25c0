"""The buyer's licences: the list, one licence, its certificate, renewing, upgrading, the
signed download link and online access."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marketing.store import actions, forms, permissions, selectors
from marketing.store.models import Grant, StoreOrder
from marketing.store.views.common import after_checkout
from office.exceptions import DomainError
from office.ratelimit import client_ip
from office.views_support import run_action
from payments.models import Payment

DOWNLOAD_SALT = "store.download"


@login_required
@require_GET
def grant_list(request: HttpRequest) -> HttpResponse:
    grants = selectors.grants_visible_to(request.user)
    if not permissions.can_buy(request.user) and not grants.exists():
        raise PermissionDenied
    return render(request, "store/grant_list.html", {"grants": grants[:200]})


def _grant_for(request: HttpRequest, pk: int) -> Grant:
    return get_object_or_404(selectors.grants_visible_to(request.user), pk=pk)


def download_token(grant: Grant, user: Any) -> str:
    return signing.TimestampSigner(salt=DOWNLOAD_SALT).sign_object({"g": grant.pk, "u": user.pk})


@login_required
@require_GET
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant_for(request, pk)
    context = {
        "grant": grant,
        "download_url": reverse("store:download", args=[download_token(grant, request.user)])
        if grant.kind == "download" and grant.usable_at()
        else "",
        "downloads_left": max(0, grant.option.max_downloads - grant.downloads_used),
        "can_manage": permissions.can_manage_grant(request.user, grant)
        and grant.option.has_term
        and grant.status != Grant.Status.REVOKED,
        "upgrade_form": forms.UpgradeForm(),
    }
    return render(request, "store/grant_detail.html", context)


@login_required
@require_GET
def grant_certificate(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant_for(request, pk)
    from marketing.store.pdf import certificate_pdf

    response = HttpResponse(certificate_pdf(grant), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{grant.certificate.number}.pdf"'
    return response


@login_required
@require_POST
def grant_renew(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant_for(request, pk)

    def act(data: dict[str, Any]) -> StoreOrder | Payment:
        order = actions.grant_renew(grant_id=grant.pk, actor=request.user)
        if order.status == StoreOrder.Status.PENDING:
            return actions.order_pay(order_id=order.pk, actor=request.user)
        return order

    return run_action(
        request,
        None,
        act,
        success="",
        redirect_to=after_checkout,
        failure_redirect_to=("store:grant_detail", grant.pk),
    )


@login_required
@require_POST
def grant_upgrade(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant_for(request, pk)

    def act(data: dict[str, Any]) -> StoreOrder | Payment:
        order = actions.grant_upgrade(grant_id=grant.pk, actor=request.user, extra_seats=data["extra_seats"])
        if order.status == StoreOrder.Status.PENDING:
            return actions.order_pay(order_id=order.pk, actor=request.user)
        return order

    return run_action(
        request,
        forms.UpgradeForm(request.POST),
        act,
        success="",
        redirect_to=after_checkout,
        failure_redirect_to=("store:grant_detail", grant.pk),
    )


@login_required
@require_GET
def download(request: HttpRequest, token: str) -> HttpResponse:
    """A signed link: the signature names the grant and the user; it expires after the option's
    link days; every download is counted against the grant's limit."""
    try:
        payload = signing.TimestampSigner(salt=DOWNLOAD_SALT).unsign_object(token, max_age=60 * 60 * 24 * 31)
    except signing.BadSignature:
        raise Http404 from None
    grant = _grant_for(request, int(payload.get("g", 0)))
    if payload.get("u") != request.user.pk:
        raise Http404
    try:
        signing.TimestampSigner(salt=DOWNLOAD_SALT).unsign_object(token, max_age=86400 * grant.option.link_days)
    except signing.SignatureExpired:
        return render(
            request,
            "store/refused.html",
            {"message": _("This download link has expired; open the licence again for a new one.")},
            status=410,
        )
    try:
        grant = actions.grant_download(grant_id=grant.pk, actor=request.user)
    except DomainError as exc:
        return render(request, "store/refused.html", {"message": str(exc)}, status=403)
    name = grant.product.content.name.rsplit("/", 1)[-1]
    return FileResponse(grant.product.content.open("rb"), as_attachment=True, filename=name)


@login_required
@require_GET
def access(request: HttpRequest, pk: int) -> HttpResponse:
    """The online content of a product, for a user entitled by an online or transmission grant."""
    grant = _grant_for(request, pk)
    if not request.session.session_key:
        request.session.save()
    try:
        actions.access_enter(
            grant_id=grant.pk, actor=request.user, session_key=request.session.session_key, ip=client_ip(request)
        )
    except DomainError as exc:
        return render(request, "store/refused.html", {"message": str(exc)}, status=403)
    return render(request, "store/access.html", {"grant": grant, "product": grant.product})
