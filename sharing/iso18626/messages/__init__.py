"""ISO 18626 v1.2 messages: parse what partners send into typed values, build what we send.

Parsing uses defusedxml (no DTDs, no entities: a message with any is refused), then checks the
message against our statement of the v1.2 structure (`schema.py`). Every failure is a
`MessageError` carrying the ISO error type the confirmation answers with.

Building uses the standard library's ElementTree with the `ill:` prefix on every element and on
the `version` attribute (the v1.2 schema qualifies attributes).

One module per topic (STYLE §1):

    common      message kinds, size limit, MessageError, redact_security_code
    parsed      the typed values a parsed message is (Request, SupplyingAgencyMessage, ...)
    parsing     parse(): bytes -> a parsed message, or MessageError
    building    build_*(): what we send (OutgoingRequest, ...) -> bytes

This package re-exports their public names, so callers keep writing
`from sharing.iso18626 import messages as m; m.parse(body)`. Submodules import each other
directly (`sharing.iso18626.messages.common`), never this package.
"""

from sharing.iso18626.messages.building import (
    OutgoingRequest,
    OutgoingRequesting,
    OutgoingSupplying,
    build_confirmation,
    build_request,
    build_requesting_message,
    build_supplying_message,
    iso_datetime,
    to_bytes,
)
from sharing.iso18626.messages.common import (
    AGENCY_ID_TYPE,
    CONFIRMATION_OF,
    MAX_MESSAGE_BYTES,
    REQUEST,
    REQUEST_CONFIRMATION,
    REQUESTING_AGENCY_MESSAGE,
    REQUESTING_AGENCY_MESSAGE_CONFIRMATION,
    SUPPLYING_AGENCY_MESSAGE,
    SUPPLYING_AGENCY_MESSAGE_CONFIRMATION,
    MessageError,
    redact_security_code,
)
from sharing.iso18626.messages.parsed import (
    AgencyId,
    Bibliographic,
    Confirmation,
    Costs,
    Header,
    Message,
    Request,
    RequestingAgencyMessage,
    SupplyingAgencyMessage,
)
from sharing.iso18626.messages.parsing import parse

__all__ = [
    "AGENCY_ID_TYPE",
    "CONFIRMATION_OF",
    "MAX_MESSAGE_BYTES",
    "REQUEST",
    "REQUESTING_AGENCY_MESSAGE",
    "REQUESTING_AGENCY_MESSAGE_CONFIRMATION",
    "REQUEST_CONFIRMATION",
    "SUPPLYING_AGENCY_MESSAGE",
    "SUPPLYING_AGENCY_MESSAGE_CONFIRMATION",
    "AgencyId",
    "Bibliographic",
    "Confirmation",
    "Costs",
    "Header",
    "Message",
    "MessageError",
    "OutgoingRequest",
    "OutgoingRequesting",
    "OutgoingSupplying",
    "Request",
    "RequestingAgencyMessage",
    "SupplyingAgencyMessage",
    "build_confirmation",
    "build_request",
    "build_requesting_message",
    "build_supplying_message",
    "iso_datetime",
    "parse",
    "redact_security_code",
    "to_bytes",
]
