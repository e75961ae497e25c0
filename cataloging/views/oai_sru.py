"""The interoperability endpoints: SRU and OAI-PMH (public, shared records only)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from cataloging import oai, sru
from office.middleware import handles_nul_itself

XML_CONTENT_TYPE = "text/xml; charset=utf-8"


@handles_nul_itself  # a NUL is a diagnostic (sru.respond), not the HTML 400 page
@require_safe
def sru_endpoint(request: HttpRequest) -> HttpResponse:
    """SRU 1.2 explain and searchRetrieve; protocol errors are diagnostics in a 200 answer."""
    params = {name: request.GET.get(name, "") for name in request.GET}
    body = sru.respond(params, base_url=request.path, host=request.get_host())
    return HttpResponse(body, content_type=XML_CONTENT_TYPE)


@handles_nul_itself  # a NUL is badArgument (oai.Repository), not the HTML 400 page
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def oai_endpoint(request: HttpRequest) -> HttpResponse:
    """OAI-PMH 2.0; protocol errors are `<error code=…>` elements in a 200 answer.

    The protocol (§3.1.1) allows GET, or POST with the arguments in an
    application/x-www-form-urlencoded body (harvesters use it for long resumption tokens);
    a POST's query string is ignored, and a body of another type carries no arguments (badVerb).
    csrf_exempt: harvesters have no session and no CSRF cookie, and the endpoint is public and
    read-only (shared records only, nothing changes), so there is no request to forge."""
    arguments = request.POST if request.method == "POST" else request.GET
    repository = oai.Repository(base_url=request.build_absolute_uri(request.path), host=request.get_host())
    return HttpResponse(repository.respond(dict(arguments.lists())), content_type=XML_CONTENT_TYPE)
