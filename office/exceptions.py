"""Domain failures. Views catch `DomainError` and show its (translated) message."""

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _


class DomainError(Exception):
    """A rule of the business refused the action; the message is shown to the user."""


def _state_label(obj: object, state: object) -> str:
    """A status value's translated label on `obj`'s status field; anything else (a label some
    callers pass already, or a word like "renewed") is shown as given."""
    field_name = getattr(obj, "STATUS_FIELD", "status")
    meta = getattr(obj, "_meta", None)
    if meta is not None and isinstance(state, str):
        try:
            labels = dict(meta.get_field(field_name).flatchoices)
        except FieldDoesNotExist:
            labels = {}
        state = labels.get(state, state)
    return str(state)


class InvalidTransition(DomainError):
    """`obj` may not move from its current status to `new_status` (see office.workflow)."""

    def __init__(self, obj: object, new_status: object) -> None:
        current = getattr(obj, getattr(obj, "STATUS_FIELD", "status"), "?")
        super().__init__(
            _("This cannot move from “%(current)s” to “%(new)s”.")
            % {"current": _state_label(obj, current), "new": _state_label(obj, new_status)}
        )
        self.obj = obj
        self.new_status = new_status


class InsufficientBudget(DomainError):
    pass
