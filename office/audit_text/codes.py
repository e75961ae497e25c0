"""Codes stored in audit data, as words in the reader's language (office.audit_text): a
payment's purpose by its payable's declared label (payments.payables), where a status change
came from ("webhook charge.refunded", "retrieve", "poll") as words.

`VALUES` maps a data key to a function of the stored value returning its label, or None when
the value is not a code it knows (the value is then shown as it is)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.functional import Promise
from django.utils.translation import pgettext, pgettext_lazy

# Where a payment's or an order's status change came from (payments.actions: `source=`, the
# provider operation's kind or the webhook's event; procurement's tracking sources).
SOURCES: dict[str, Promise] = {
    "create": pgettext_lazy("audit source", "starting the payment"),
    "confirm": pgettext_lazy("audit source", "confirming the payment"),
    "capture": pgettext_lazy("audit source", "capturing the payment"),
    "cancel": pgettext_lazy("audit source", "cancellation"),
    "refund": pgettext_lazy("audit source", "refund"),
    "retrieve": pgettext_lazy("audit source", "check with the payment provider"),
    "expired": pgettext_lazy("audit source", "expiry of the attempt"),
    "purpose": pgettext_lazy("audit source", "check against what is paid for"),
    "webhook": pgettext_lazy("audit source", "message from the payment provider"),
    "system": pgettext_lazy("audit source", "the system"),
    "poll": pgettext_lazy("audit source", "the vendor's system (asked)"),
    "manual": pgettext_lazy("audit source", "recorded by staff"),
}

# The payment provider's events (payments/actions/webhooks.py), as what they say.
WEBHOOK_EVENTS: dict[str, Promise] = {
    "payment_intent.succeeded": pgettext_lazy("audit source", "payment succeeded"),
    "payment_intent.payment_failed": pgettext_lazy("audit source", "payment failed"),
    "payment_intent.processing": pgettext_lazy("audit source", "payment being processed"),
    "payment_intent.canceled": pgettext_lazy("audit source", "payment cancelled"),
    "payment_intent.requires_action": pgettext_lazy("audit source", "payer's confirmation needed"),
    "charge.refunded": pgettext_lazy("audit source", "charge refunded"),
}

AFTER_CLOSE = " (after close)"  # payments.actions.provider_state: a success on a closed purpose


def source_label(value: str) -> str | None:
    """ "webhook charge.refunded (after close)" → "message from the payment provider: charge
    refunded, after its purpose was closed"; an unknown code → None."""
    after_close = value.endswith(AFTER_CLOSE)
    code = value[: -len(AFTER_CLOSE)] if after_close else value
    head, _space, event = code.partition(" ")
    if head not in SOURCES:
        return None
    text = str(SOURCES[head])
    if event:  # a webhook's event type; an unknown one is not shown (it is the provider's English)
        known = WEBHOOK_EVENTS.get(event)
        if known is not None:
            text = pgettext("audit source", "%(source)s: %(event)s") % {"source": text, "event": known}
    if after_close:
        text = pgettext("audit source", "%(source)s, after its purpose was closed") % {"source": text}
    return text


def purpose_label(value: str) -> str | None:
    """A payment's purpose key ("store.order") → its payable's label ("Store order")."""
    from payments import payables

    payable = payables.get(value)
    return str(payable.label) if payable is not None else None


VALUES: dict[str, Callable[[str], str | None]] = {
    "purpose": purpose_label,
    "source": source_label,
}
