"""Online purchasing (网上采购): vendors and their catalogs, carts, purchase requests and their
approval, purchase orders with tracking, receiving, invoices, and usage-right licences.

Every row belongs to one office (`organization`, directly or through its parent); lists start
from `visible_to(user)` so an office never sees another office's purchasing. Money is integer
minor units plus an ISO 4217 code.

One module per topic (`limits`, `vendors`, `purchase_requests`, `orders`, `receiving`,
`licences`); every model and limit is imported here, so `from procurement.models import X`
works and Django registers them with the app.
"""

# In the order the models were declared before the split (Django registers them as they are
# imported, and that order is the app's model order: content types, admin, flush).
# ruff: noqa: I001
from procurement.models.limits import MAX_PRICE_MINOR, MAX_QUANTITY
from procurement.models.vendors import Vendor, VendorItem
from procurement.models.purchase_requests import CartLine, Deputy, PurchaseRequest, PurchaseRequestLine
from procurement.models.orders import OrderCounter, PurchaseOrder, PurchaseOrderLine, TrackingEvent
from procurement.models.receiving import Invoice, Receipt, ReceiptLine
from procurement.models.licences import Licence

# Consortium buying lives in its own subpackage (procurement/consortia/) so it has the house
# module names (models, actions, permissions, views) without growing these files; importing its
# models here registers them with the procurement app.
from procurement.consortia.models import (
    Consortium,
    Contract,
    Election,
    Membership,
    Nomination,
    Offer,
    OfferTier,
    ProviderRepresentative,
    Vote,
)

__all__ = [
    "MAX_PRICE_MINOR",
    "MAX_QUANTITY",
    "CartLine",
    "Consortium",
    "Contract",
    "Deputy",
    "Election",
    "Invoice",
    "Licence",
    "Membership",
    "Nomination",
    "Offer",
    "OfferTier",
    "OrderCounter",
    "ProviderRepresentative",
    "PurchaseOrder",
    "PurchaseOrderLine",
    "PurchaseRequest",
    "PurchaseRequestLine",
    "Receipt",
    "ReceiptLine",
    "TrackingEvent",
    "Vendor",
    "VendorItem",
    "Vote",
]
