"""What the catalog's view modules share: the page size, the same-site `next`, a visible record or 404."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from cataloging import selectors
from cataloging.models import BibRecord

PAGE_SIZE = 20


def _back(request: HttpRequest, default: str) -> str:
    """Where to go after a POST: a same-site `next`, else `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _record_or_404(request: HttpRequest, pk: int, *, shared_only: bool = False) -> BibRecord:
    try:
        return selectors.record_get(user=request.user, pk=pk, shared_only=shared_only)
    except BibRecord.DoesNotExist:
        raise Http404 from None
