"""Every write of purchasing, one module per topic (STYLE.md §1); this package re-exports them,
so callers write `from procurement import actions; actions.purchase_order_pay(...)`.

Purchase request (`cart`, `approval`, `orders`):
    draft -> submitted -> head_approved (above the head's limit) -> approved -> ordered
                 |              |                                     \\-> cancelled
                 +--------------+-> rejected | returned (-> submitted again) | cancelled
The first approval encumbers the department's budget line for the whole request; rejection,
return and cancellation release it. Placing the orders splits the request per vendor; each
order carries its share of the encumbrance, which payment turns into spending.

Purchase order (`orders`, `order_payment`, `tracking`, `receiving`):
    placed -> confirmed -> paid -> shipped -> partially_received -> received -> invoiced -> closed
       \\-> cancelled (before payment; releases its encumbrance)

Also: vendors and their catalogs (`vendors`, `catalog`), licences (`licences`) and the
nightly clean-up beat runs (`chores`: cart lines untouched for 90 days).

Lock order everywhere: purchase request, then purchase order, then budget line (the budget
actions lock the budget row last). Nothing leaves before commit (`enqueue_on_commit`).
"""

from procurement.actions.approval import (
    deputy_appoint,
    purchase_request_approve,
    purchase_request_cancel,
    purchase_request_reject,
    purchase_request_return,
    purchase_request_submit,
)
from procurement.actions.cart import (
    cart_add,
    cart_update,
    purchase_request_create_from_cart,
    purchase_request_line_update,
)
from procurement.actions.catalog import (
    CSV_COLUMNS,
    clean_item_row,
    normalize_isbn,
    vendor_catalog_sync,
    vendor_items_import_csv,
)
from procurement.actions.chores import cart_lines_remove_stale
from procurement.actions.common import check_quantity
from procurement.actions.licences import (
    LICENCE_EDITABLE,
    LICENCE_REMINDER_DAYS,
    MAX_CONCURRENT_USERS,
    MAX_IP_RANGES,
    MAX_TERMS_LENGTH,
    licence_create,
    licence_renew,
    licence_update,
    licences_sweep,
    normalize_ip_ranges,
)
from procurement.actions.order_payment import (
    PURCHASE_ORDER_PURPOSE,
    purchase_order_lock_for_payment,
    purchase_order_paid,
    purchase_order_pay,
    purchase_order_payment_failed,
    purchase_order_refunded,
)
from procurement.actions.orders import purchase_order_cancel, purchase_order_send, purchase_request_place_orders
from procurement.actions.receiving import invoice_enter, purchase_order_close, purchase_order_receive
from procurement.actions.tracking import (
    VENDOR_STATUS_MOVES,
    apply_vendor_events,
    orders_tracking_sweep,
    purchase_order_flag_late,
    purchase_order_poll,
    tracking_event_record,
    tracking_manual_update,
)
from procurement.actions.vendors import vendor_save

__all__ = [
    "cart_lines_remove_stale",
    "CSV_COLUMNS",
    "LICENCE_EDITABLE",
    "LICENCE_REMINDER_DAYS",
    "MAX_CONCURRENT_USERS",
    "MAX_IP_RANGES",
    "MAX_TERMS_LENGTH",
    "PURCHASE_ORDER_PURPOSE",
    "VENDOR_STATUS_MOVES",
    "apply_vendor_events",
    "cart_add",
    "cart_update",
    "check_quantity",
    "clean_item_row",
    "deputy_appoint",
    "invoice_enter",
    "licence_create",
    "licence_renew",
    "licence_update",
    "licences_sweep",
    "normalize_ip_ranges",
    "normalize_isbn",
    "orders_tracking_sweep",
    "purchase_order_cancel",
    "purchase_order_close",
    "purchase_order_flag_late",
    "purchase_order_lock_for_payment",
    "purchase_order_paid",
    "purchase_order_pay",
    "purchase_order_payment_failed",
    "purchase_order_poll",
    "purchase_order_receive",
    "purchase_order_refunded",
    "purchase_order_send",
    "purchase_request_approve",
    "purchase_request_cancel",
    "purchase_request_create_from_cart",
    "purchase_request_line_update",
    "purchase_request_place_orders",
    "purchase_request_reject",
    "purchase_request_return",
    "purchase_request_submit",
    "tracking_event_record",
    "tracking_manual_update",
    "vendor_catalog_sync",
    "vendor_items_import_csv",
    "vendor_save",
]
