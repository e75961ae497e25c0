"""Every write of resource sharing, one module per topic (STYLE §1); this package re-exports
their public names. Submodules import each other directly, never this package.

Request (ISO 18626 style, `SharingRequest.TRANSITIONS`):

    (client: awaiting_payment ->) requested -> sent -> expect_to_supply -> will_supply -> shipped | delivered
        sent ... -> conditional -> will_supply (accepted) | next lender (rejected)
        sent ... -> unfilled (reason) | lapsed (sweep) -> next lender ... -> unfilled (rota exhausted)
        shipped -> received -> (overdue | recalled | renewed) -> returned -> checked_in -> complete
        delivered -> received -> complete;  cancelled (borrower; the lender answers once committed)

    requests    create, send (rota), copyright declaration, cancellation, a partner's request
    lending     the lender's answers, conditions and the borrower's answer, shipping, cancel answers
    loans       received, renewals, recall, overdue, return, check-in, completion
    delivery    PDF delivery, download links, file deletion
    client      client document-delivery requests and their payment
    charges     the charge of a completed request
    settlement  monthly netted statements between offices and their payment
    deadlines   lapsed lenders (sweep)
    policy      an office's lending policy and fees
    directory   partner libraries (security codes) and reciprocity agreements
    common      private helpers

Every action takes `actor` (a user, or None for a message from a partner, with `agency` the
partner acting); `sharing/outbox.after_transition` is called for every timeline event.
"""

from sharing.actions.charges import record_charge
from sharing.actions.client import (
    CLIENT_PURPOSE,
    client_request_create,
    client_request_paid,
    client_request_pay,
    home_agency,
)
from sharing.actions.deadlines import request_lapse
from sharing.actions.delivery import file_delete, link_use, request_deliver, send_link
from sharing.actions.directory import (
    partner_create,
    partner_secret_set,
    partner_update,
    reciprocity_create,
    reciprocity_update,
)
from sharing.actions.lending import (
    request_accept_condition,
    request_answer_cancel,
    request_expect_to_supply,
    request_propose_condition,
    request_reject_condition,
    request_ship,
    request_unfilled,
    request_will_supply,
)
from sharing.actions.loans import (
    mark_overdue,
    request_answer_renewal,
    request_ask_renewal,
    request_check_in,
    request_mark_received,
    request_recall,
    request_return,
)
from sharing.actions.policy import agency_policy_update
from sharing.actions.requests import (
    build_rota,
    page_count_of,
    request_cancel,
    request_create,
    request_declare_copyright,
    request_receive_from_partner,
)
from sharing.actions.settlement import SETTLEMENT_PURPOSE, settlement_close_month, settlement_paid, settlement_pay

__all__ = [
    "CLIENT_PURPOSE",
    "SETTLEMENT_PURPOSE",
    "agency_policy_update",
    "build_rota",
    "client_request_create",
    "client_request_paid",
    "client_request_pay",
    "file_delete",
    "home_agency",
    "link_use",
    "mark_overdue",
    "page_count_of",
    "partner_create",
    "partner_secret_set",
    "partner_update",
    "reciprocity_create",
    "reciprocity_update",
    "record_charge",
    "request_accept_condition",
    "request_answer_cancel",
    "request_answer_renewal",
    "request_ask_renewal",
    "request_cancel",
    "request_check_in",
    "request_create",
    "request_declare_copyright",
    "request_deliver",
    "request_expect_to_supply",
    "request_lapse",
    "request_mark_received",
    "request_propose_condition",
    "request_receive_from_partner",
    "request_recall",
    "request_reject_condition",
    "request_return",
    "request_ship",
    "request_unfilled",
    "request_will_supply",
    "send_link",
    "settlement_close_month",
    "settlement_paid",
    "settlement_pay",
]
