"""Every write of the storefront, one module per topic (STYLE.md §1):

    cart            cart_add, cart_remove, cart_apply_coupon
    checkout        checkout (idempotent), order_pay, order_cancel, orders_sync_approvals
    office_approval the seam to procurement's purchase-request approval
    grants          order_paid / order_refunded (payable handlers), downloads, access sessions,
                    the expiry and reminder sweeps
    renewals        grant_renew, grant_upgrade
    sales           coupon_create, coupon_update
    catalogue       product_save, product_publish, option_save, option_prices_set (the selling unit)
    shipping        the disc's address at checkout, shipment_ship, shipment_deliver
    confirmations   the confirmation e-mail (invoice and certificates attached)

Order: cart -> checkout -> [awaiting_approval ->] pending -> paid -> refunded; cancelled.
Callers import from here; the modules import each other directly, never this package.
"""

from marketing.store.actions.cart import cart_add, cart_apply_coupon, cart_remove
from marketing.store.actions.catalogue import option_prices_set, option_save, product_publish, product_save
from marketing.store.actions.checkout import (
    checkout,
    order_cancel,
    order_pay,
    order_sync_approval,
    orders_sync_approvals,
)
from marketing.store.actions.common import ORDER_PURPOSE, ip_allowed, normalize_ip_ranges
from marketing.store.actions.confirmations import order_confirmation_send, order_confirmations_sweep
from marketing.store.actions.grants import (
    access_enter,
    grant_download,
    grants_expire,
    grants_remind,
    order_paid,
    order_refunded,
)
from marketing.store.actions.renewals import grant_renew, grant_upgrade
from marketing.store.actions.sales import coupon_create, coupon_update
from marketing.store.actions.shipping import shipment_deliver, shipment_ship

__all__ = [
    "ORDER_PURPOSE",
    "access_enter",
    "cart_add",
    "cart_apply_coupon",
    "cart_remove",
    "checkout",
    "coupon_create",
    "coupon_update",
    "grant_download",
    "grant_renew",
    "grant_upgrade",
    "grants_expire",
    "grants_remind",
    "ip_allowed",
    "option_prices_set",
    "option_save",
    "normalize_ip_ranges",
    "order_cancel",
    "order_confirmation_send",
    "order_confirmations_sweep",
    "order_pay",
    "order_paid",
    "order_refunded",
    "order_sync_approval",
    "orders_sync_approvals",
    "product_publish",
    "product_save",
    "shipment_deliver",
    "shipment_ship",
]
