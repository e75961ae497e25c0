"""Information services for local and remote clients (DESIGN.md §2, §4).

An `Offering` is one priced service of the catalog; a client orders it as a `ServiceOrder`
that moves through the workflow in `ServiceOrder.TRANSITIONS`. Files (the client's
attachments and the staff's deliverables) live in `OrderFile` under server-generated names
and are only ever served by a view after a permission check; a `DownloadLink` is an
expiring, per-client way to fetch one deliverable. Money is integer minor units.

One module per topic (STYLE §1):

    catalog         DeliveryChannel, Offering
    orders          ServiceOrder, OrderFile, OrderMessage
    delivery        Delivery, DownloadLink
    reports         ReportCounter, Report
    subscriptions   Subscription, SubscriptionPeriod, Digest, SubscriptionItem
    consultations   Consultation, ConsultationMessage
    training        TrainingSession, TrainingRegistration

Every model is imported here, in the order they were declared: Django finds them in
`services.models`, and callers keep writing `from services.models import ServiceOrder`.
Submodules import each other directly (`services.models.orders`), never this package.
"""

# isort: off
# In declaration order: Django registers the models as they are imported (the order of their
# content types and permissions, and of `apps.get_models()`), as when they were one module.
from services.models.catalog import DeliveryChannel, Offering
from services.models.orders import OrderFile, OrderMessage, ServiceOrder
from services.models.orders import _order_file_path  # noqa: F401  (migration 0001's upload_to)
from services.models.delivery import Delivery, DownloadLink
from services.models.reports import Report, ReportCounter
from services.models.subscriptions import Digest, Subscription, SubscriptionItem, SubscriptionPeriod
from services.models.consultations import Consultation, ConsultationMessage
from services.models.training import TrainingRegistration, TrainingSession

# isort: on

__all__ = [
    "Consultation",
    "ConsultationMessage",
    "Delivery",
    "DeliveryChannel",
    "Digest",
    "DownloadLink",
    "Offering",
    "OrderFile",
    "OrderMessage",
    "Report",
    "ReportCounter",
    "ServiceOrder",
    "Subscription",
    "SubscriptionItem",
    "SubscriptionPeriod",
    "TrainingRegistration",
    "TrainingSession",
]
