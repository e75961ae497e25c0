"""What every ISO 18626 message shares: the kinds, the size limit, the error, the redaction."""

from __future__ import annotations

import re

MAX_MESSAGE_BYTES = 256 * 1024  # a request with every optional element is a few kilobytes
AGENCY_ID_TYPE = "ISIL"

REQUEST = "request"
REQUEST_CONFIRMATION = "requestConfirmation"
SUPPLYING_AGENCY_MESSAGE = "supplyingAgencyMessage"
SUPPLYING_AGENCY_MESSAGE_CONFIRMATION = "supplyingAgencyMessageConfirmation"
REQUESTING_AGENCY_MESSAGE = "requestingAgencyMessage"
REQUESTING_AGENCY_MESSAGE_CONFIRMATION = "requestingAgencyMessageConfirmation"
CONFIRMATION_OF = {
    REQUEST: REQUEST_CONFIRMATION,
    SUPPLYING_AGENCY_MESSAGE: SUPPLYING_AGENCY_MESSAGE_CONFIRMATION,
    REQUESTING_AGENCY_MESSAGE: REQUESTING_AGENCY_MESSAGE_CONFIRMATION,
}


_SECURITY_CODE = re.compile(r"(<(?:[\w.-]+:)?securityCode\b[^>]*>)(.*?)(</(?:[\w.-]+:)?securityCode\s*>)", re.DOTALL)


def redact_security_code(text: str) -> str:
    """The message as kept on a timeline: a security code in its header is replaced by ***."""
    return _SECURITY_CODE.sub(r"\1***\3", text)


class MessageError(Exception):
    """The message cannot be accepted; answered with messageStatus ERROR and this errorData.
    `kind` is the message kind when it could be told (it picks the confirmation type)."""

    def __init__(self, error_type: str, value: str = "", *, kind: str = "") -> None:
        super().__init__(f"{error_type}: {value}")
        self.error_type = error_type
        self.value = value[:500]
        self.kind = kind
