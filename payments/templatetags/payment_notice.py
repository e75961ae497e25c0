"""`{% payment_just_made as payment %}`: the payment the payer has just made, for the thank-you
notice of partials/_messages.html (issue 20).

After the card page, a payer whose purpose has a page of its own (a store order, a document
delivery request) lands on that page with
``?payment=<pk>`` (payments.views._after_payment) instead of on the payment record. The notice
shows only the payer's own payment, paid or still being confirmed (with the payment's status
box, which polls until the provider has answered); a failed or cancelled one, or anybody
else's, is nothing.
"""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def payment_just_made(context: Any) -> Any:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    pk = request.GET.get("payment", "")
    if not pk.isdigit():
        return None
    from payments.models import Payment

    payment = Payment.objects.filter(pk=int(pk), payer_user_id=request.user.pk).first()
    if payment is None or payment.status in (Payment.Status.FAILED, Payment.Status.CANCELLED):
        return None
    return payment
