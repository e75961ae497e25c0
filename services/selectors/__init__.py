"""Read functions the views call. Everything starts from `visible_to(user)`.

One module per topic (STYLE §1); this package re-exports their public names, so callers keep
writing `from services import selectors; selectors.order_get(...)`:

    orders      the catalog's offerings; the orders a user sees, their views, search, progress
    pages       the detail pages' contexts: what each shows and which buttons it draws
    inbox       "My tasks": what a client or a staff member has to do
    queue       the staff work queue and its statistics
    people      the read work of the actions: who takes the work, signs off, answers, is billed

Submodules import each other directly (`services.selectors.orders`), never this package.
"""

from services.selectors.inbox import inbox_items
from services.selectors.orders import (
    ORDER_VIEWS,
    PROGRESS_STEPS,
    is_list_price_quote,
    offering_list,
    order_files,
    order_get,
    order_list,
    order_progress,
    order_search,
    order_views,
)
from services.selectors.pages import order_detail_context, subscription_detail_context, training_detail_context
from services.selectors.people import (
    assignable_staff,
    consultation_department,
    invoice_buyer_of,
    least_loaded,
    reviewers_for,
    staff_name,
)
from services.selectors.queue import queue_for

__all__ = [
    "ORDER_VIEWS",
    "PROGRESS_STEPS",
    "assignable_staff",
    "consultation_department",
    "inbox_items",
    "invoice_buyer_of",
    "is_list_price_quote",
    "least_loaded",
    "offering_list",
    "order_detail_context",
    "order_files",
    "order_get",
    "order_list",
    "order_progress",
    "order_search",
    "order_views",
    "queue_for",
    "reviewers_for",
    "staff_name",
    "subscription_detail_context",
    "training_detail_context",
]
