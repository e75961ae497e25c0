"""Input shapes (crispy, Bootstrap 5). Money is typed as text ("800.00") and parsed to minor
units by office.fields.MoneyField; statuses, amounts to pay and owners never come from a form.

One module per topic (STYLE §1); this package re-exports the forms, so the views keep writing
`from services import forms; forms.QuoteForm(...)`:

    catalog         the offering
    clients         registration, the client's own details
    orders          the order, quote, answers, assignment, messages, files, delivery, report, rating
    subscriptions   subscribing, items for the next digest
    consultations   the question and the replies
    training        a session
    common          the crispy helper and the several-files field they share

Submodules import each other directly (`services.forms.common`), never this package.
"""

from services.forms.catalog import OfferingForm
from services.forms.clients import ClientProfileForm, ClientRegistrationForm
from services.forms.consultations import ConsultationForm, ReplyForm
from services.forms.orders import (
    AssignForm,
    ConfirmForm,
    DeliverForm,
    FileForm,
    MessageForm,
    OrderForm,
    QuoteForm,
    ReasonForm,
    RefundReasonForm,
    ReportForm,
)
from services.forms.subscriptions import SubscriptionForm, SubscriptionItemForm
from services.forms.training import TrainingSessionForm

__all__ = [
    "AssignForm",
    "ClientProfileForm",
    "ClientRegistrationForm",
    "ConfirmForm",
    "ConsultationForm",
    "DeliverForm",
    "FileForm",
    "MessageForm",
    "OfferingForm",
    "OrderForm",
    "QuoteForm",
    "ReasonForm",
    "RefundReasonForm",
    "ReplyForm",
    "ReportForm",
    "SubscriptionForm",
    "SubscriptionItemForm",
    "TrainingSessionForm",
]
