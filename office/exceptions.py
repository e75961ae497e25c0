"""Domain failures. Views catch `DomainError` and show its (translated) message."""

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A rule of the business refused the action; the message is shown to the user."""


class InvalidTransition(DomainError):
    def __init__(self, obj: object, new_status: str) -> None:
        current = getattr(obj, "get_status_display", lambda: getattr(obj, "status", "?"))()
        super().__init__(
            _("This cannot move from “%(current)s” to “%(new)s”.") % {"current": current, "new": new_status}
        )
        self.obj = obj
        self.new_status = new_status


class InsufficientBudget(DomainError):
    pass
