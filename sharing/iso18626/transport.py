"""Posting one ISO 18626 message to a partner's address and reading its confirmation.

`post` raises `TransportError` for what may clear by itself (network down, timeout, HTTP 5xx,
an answer that is not a confirmation), which the sending task retries, and `PartnerRefused`
when the partner read the message and refused it (HTTP 3xx/4xx or a confirmation with
messageStatus ERROR), which retrying would not change."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any

from sharing.iso18626.messages import Confirmation, MessageError, parse

TIMEOUT_SECONDS = 10.0
MAX_ANSWER_BYTES = 256 * 1024


class TransportError(Exception):
    """The message may not have arrived; try again later."""


class PartnerRefused(Exception):
    """The partner answered and refused the message."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A partner's address is where the message goes; a redirect elsewhere is not followed."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


SECURITY_HEADER = "X-ISO18626-Security-Code"


def post(url: str, body: bytes, *, security_code: str = "", timeout: float = TIMEOUT_SECONDS) -> Confirmation:
    """Send `body` (with the partner's security code in SECURITY_HEADER, when one is set: in
    the HTTP header rather than the XML, so it is never part of a message we keep); the
    partner's confirmation (messageStatus OK) or an exception."""
    if not url.lower().startswith(("http://", "https://")):
        raise PartnerRefused(f"not an http(s) address: {url[:100]}")
    request = urllib.request.Request(  # noqa: S310 (http(s) checked above; the address is set by staff)
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/xml; charset=utf-8",
            "Accept": "application/xml",
            **({SECURITY_HEADER: security_code} if security_code else {}),
        },
    )
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            raw = response.read(MAX_ANSWER_BYTES + 1)
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 500 and exc.code not in (408, 429):  # a redirect is not followed: a wrong address
            raise PartnerRefused(f"HTTP {exc.code}") from exc
        raise TransportError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        raise TransportError(f"cannot reach the partner: {exc}") from exc
    if len(raw) > MAX_ANSWER_BYTES:
        raise TransportError("the partner's answer is too large")
    try:
        answer = parse(raw)
    except MessageError as exc:
        raise TransportError(f"the partner's answer is not an ISO 18626 message: {exc}") from exc
    if not isinstance(answer, Confirmation):
        raise TransportError(f"the partner answered with a {answer.kind}, not a confirmation")
    if answer.message_status != "OK":
        raise PartnerRefused(f"ERROR {answer.error_type}: {answer.error_value}".strip())
    return answer
