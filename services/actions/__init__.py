"""Every write of the services app, one module per topic (STYLE §1); this package re-exports
their public names, so callers keep writing `from services import actions; actions.order_pay(...)`.

Service order (DESIGN.md §4, `ServiceOrder.TRANSITIONS`):

    requested -> quoted -> accepted -> paid -> assigned -> in_progress -> delivered -> completed
        |          |  \\-> declined -> quoted (again)  \\-> refunded (finance, before delivery)
        +----------+----------+-> cancelled (client or head, before payment)

    orders          requested -> quoted -> accepted | declined; cancellation
    order_payment   accepted -> paid (payment handler); refunds
    work            paid -> assigned -> in_progress; messages, work log, files
    delivery        in_progress -> delivered -> completed; sending e-mail and fax deliveries
    reports         the formal numbered report of an order
    subscriptions   pending -> active -> cancelled; periods, payments, digests
    consultations   open -> answered -> closed
    training        registrations, waiting list, attendance, fees, reminders
    clients         registration (one answer for everybody), e-mail confirmation, profile
    chores          beat's clean-up: unconfirmed registrations after 30 days
    catalog         the offerings
    common          private helpers the order topics share

Submodules import each other directly (`services.actions.common`), never this package.
"""

from services.actions.catalog import offering_save
from services.actions.checkout import order_checkout  # noqa: F401  (issue 20: straight to payment)
from services.actions.chores import client_registrations_unconfirmed_remove
from services.actions.clients import (
    CONFIRM_MAX_AGE,
    CONFIRM_SALT,
    PROFILE_FIELDS,
    client_confirm_email,
    client_confirmation_resend,
    client_confirmation_token,
    client_profile_update,
    client_register,
    client_register_or_notify,
    client_send_confirmation,
    registration_notice_send,
)
from services.actions.consultations import consultation_close, consultation_open, consultation_reply
from services.actions.delivery import (
    delivery_send,
    download_link_days,
    download_link_resolve,
    fax_gateway_address,
    order_confirm,
    order_deliver,
)
from services.actions.order_payment import ORDER_PURPOSE, order_paid, order_pay, order_refund, order_refunded
from services.actions.orders import order_accept, order_cancel, order_create, order_decline, order_quote
from services.actions.reports import report_issue
from services.actions.subscriptions import (
    PERIOD_PURPOSE,
    digest_build,
    digest_run_due,
    digest_send_email,
    subscription_cancel,
    subscription_create,
    subscription_item_add,
    subscription_pay,
    subscription_period_paid,
    subscription_renew,
)
from services.actions.training import (
    TRAINING_PURPOSE,
    training_cancel,
    training_mark_attended,
    training_pay,
    training_register,
    training_registration_paid,
    training_send_reminders,
    training_session_save,
)
from services.actions.work import order_assign, order_file_add, order_message_post, order_start

__all__ = [
    "client_registrations_unconfirmed_remove",
    "CONFIRM_MAX_AGE",
    "CONFIRM_SALT",
    "ORDER_PURPOSE",
    "PERIOD_PURPOSE",
    "PROFILE_FIELDS",
    "TRAINING_PURPOSE",
    "client_confirm_email",
    "client_confirmation_resend",
    "client_confirmation_token",
    "client_profile_update",
    "client_register",
    "client_register_or_notify",
    "client_send_confirmation",
    "consultation_close",
    "consultation_open",
    "consultation_reply",
    "delivery_send",
    "digest_build",
    "digest_run_due",
    "digest_send_email",
    "download_link_days",
    "download_link_resolve",
    "fax_gateway_address",
    "offering_save",
    "order_accept",
    "order_assign",
    "order_cancel",
    "order_confirm",
    "order_create",
    "order_decline",
    "order_deliver",
    "order_file_add",
    "order_message_post",
    "order_paid",
    "order_pay",
    "order_quote",
    "order_refund",
    "order_refunded",
    "order_start",
    "registration_notice_send",
    "report_issue",
    "subscription_cancel",
    "subscription_create",
    "subscription_item_add",
    "subscription_pay",
    "subscription_period_paid",
    "subscription_renew",
    "training_cancel",
    "training_mark_attended",
    "training_pay",
    "training_register",
    "training_registration_paid",
    "training_send_reminders",
    "training_session_save",
]
