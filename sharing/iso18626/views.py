"""POST /sharing/iso18626: the ISO 18626 endpoint outside partner libraries send messages to.

A machine endpoint: no session, hence csrf_exempt. Who may talk to it is decided per message:
the sending agency must be an active outside partner of ours and give the security code agreed
with it (HTTP header X-ISO18626-Security-Code, or requestingAgencyAuthentication/securityCode in
the message's header; sharing.actions.iso._partner), the receiving agency one of our offices,
the transaction one between the two. A missing or wrong code is answered like an unknown
agency: messageStatus ERROR, errorType UnrecognisedDataValue, nothing written (ISO 18626 has no
error type of its own for authentication, and the message was read, so HTTP 200, not 401/403).

Every answer is an ISO 18626 confirmation: messageStatus OK, or ERROR with the standard's
errorData; the HTTP status is 200 for both (the message was read and answered). A failure of
ours (database down) is 503 with messageStatus ERROR and no errorData, so the partner sends the
message again later. Never a 500.
"""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sharing.actions import iso
from sharing.iso18626 import messages as m
from sharing.iso18626.schema import BADLY_FORMED
from sharing.iso18626.transport import SECURITY_HEADER

logger = logging.getLogger(__name__)
CONTENT_TYPE = "application/xml; charset=utf-8"


@csrf_exempt
@require_POST
def endpoint(request: HttpRequest) -> HttpResponse:
    received_at = timezone.now()
    try:
        body = request.body[: m.MAX_MESSAGE_BYTES + 1]
    except RequestDataTooBig:  # over DATA_UPLOAD_MAX_MEMORY_SIZE: refused before it is read
        return _answer(None, received_at, error=m.MessageError(BADLY_FORMED, "message too large"))
    secret = request.headers.get(SECURITY_HEADER, "")[:200]
    message = None
    with translation.override("en"):  # errorValue is read by another system, not a person
        try:
            message = m.parse(body)
            reply = iso.message_receive(message=message, body=body, secret=secret, received_at=received_at)
        except m.MessageError as exc:
            return _answer(message, received_at, error=exc)
        except DatabaseError:
            logger.exception("ISO 18626 message not processed: database error")
            return _answer(message, received_at, status=503)
        except Exception:
            logger.exception("ISO 18626 message not processed")
            return _answer(message, received_at, status=503)
    return _xml(
        m.build_confirmation(
            reply.kind,
            ok=True,
            received_at=received_at,
            supplying=reply.supplying,
            requesting=reply.requesting,
            request_id=reply.request_id,
            reason_for_message=reply.reason_for_message,
            action=reply.action,
        )
    )


def _answer(
    message: m.Message | None, received_at: object, *, error: m.MessageError | None = None, status: int = 200
) -> HttpResponse:
    header = getattr(message, "header", None)
    kind = getattr(message, "kind", "") or (error.kind if error else "")
    body = m.build_confirmation(
        kind,
        ok=False,
        received_at=received_at,  # type: ignore[arg-type]
        supplying=header.supplying_agency.value if header else "",
        requesting=header.requesting_agency.value if header else "",
        request_id=header.requesting_agency_request_id if header else "",
        error_type=error.error_type if error else "",
        error_value=error.value if error else "",
        reason_for_message=getattr(message, "reason_for_message", ""),
        action=getattr(message, "action", ""),
    )
    response = _xml(body, status=status)
    if status == 503:
        response["Retry-After"] = "300"
    return response


def _xml(body: bytes, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type=CONTENT_TYPE)
