"""The order confirmation e-mail, in the buyer's language, with the invoice and each licence
certificate attached. Queued after the payment commits; the sweep sends what a broker outage
lost. Idempotent: `confirmation_sent_at` is set under the order's lock before sending."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marketing.store.actions.common import lock_order
from marketing.store.models import StoreOrder
from office.money import format_money
from office.texts import language_for


def _body(order: StoreOrder) -> str:
    lines = [
        _("Thank you for your order %(number)s.") % {"number": order.number},
        "",
        *[f"- {line.description} × {line.quantity}" for line in order.lines.all()],
        "",
        _("Total (tax included): %(amount)s") % {"amount": format_money(order.total_minor, order.currency)},
        "",
        _("Your invoice and licence certificates are attached; your licences are listed under “My licences”."),
    ]
    return "\n".join(lines)


def order_confirmation_send(*, order_id: int) -> bool:
    """E-mail the confirmation once; True when it was sent now."""
    from marketing.store.pdf import certificate_pdf, invoice_pdf

    with transaction.atomic():
        order = lock_order(order_id)
        if order.status != StoreOrder.Status.PAID or order.confirmation_sent_at or not order.buyer_user.email:
            return False
        order.confirmation_sent_at = timezone.now()
        order.save(update_fields=["confirmation_sent_at", "updated_at"])
        with translation.override(language_for(order.buyer_user)):
            message = EmailMessage(
                _("Order %(number)s: confirmation, invoice and licences") % {"number": order.number},
                _body(order),
                to=[order.buyer_user.email],
            )
            message.attach(f"invoice-{order.number}.pdf", invoice_pdf(order), "application/pdf")
            for grant in order.grants.select_related("certificate", "product", "option"):
                message.attach(f"certificate-{grant.certificate.number}.pdf", certificate_pdf(grant), "application/pdf")
        # Sent inside the transaction: a failed send rolls the mark back and the sweep retries.
        message.send()
    return True


def order_confirmations_sweep() -> int:
    due = StoreOrder.objects.filter(status=StoreOrder.Status.PAID, confirmation_sent_at__isnull=True)
    return sum(order_confirmation_send(order_id=pk) for pk in due.values_list("pk", flat=True))
