"""The status machine every workflow model shares (STYLE.md §2).

A workflow model declares, next to its `Status` choices, the only legal moves (`TRANSITIONS`)
and each state's Bootstrap colour (`COLOURS`); `move_to` is the one place that assigns the
status, and `partials/_status.html` draws the badge from `COLOURS` and the translated label.

A model whose status is shown but not moved through a table (a backup run, a licence) uses
`StatusBadge` alone, so its badge reads the same `COLOURS` instead of a template's if/elif.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from office.exceptions import InvalidTransition

DEFAULT_COLOUR = "secondary"


class StatusBadge(models.Model):
    """A status shown as a badge: its colour and translated label, read by `partials/_status.html`."""

    COLOURS: ClassVar[dict[str, str]] = {}
    STATUS_FIELD: ClassVar[str] = "status"  # the CharField with the choices, if not `status`

    class Meta:
        abstract = True

    @property
    def status_value(self) -> str:
        return getattr(self, self.STATUS_FIELD)

    @property
    def status_label(self) -> str:
        return getattr(self, f"get_{self.STATUS_FIELD}_display")()

    @property
    def status_colour(self) -> str:
        return self.COLOURS.get(self.status_value, DEFAULT_COLOUR)


class Workflow(StatusBadge):
    """A status that only moves along `TRANSITIONS` ({state: states it may move to})."""

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {}

    class Meta:
        abstract = True

    def can_move_to(self, new_status: str) -> bool:
        return new_status in self.TRANSITIONS.get(self.status_value, set())

    def move_to(self, new_status: str) -> None:
        """Set the status (not saved), or raise `InvalidTransition` naming both states."""
        if not self.can_move_to(new_status):
            raise InvalidTransition(self, new_status)
        setattr(self, self.STATUS_FIELD, new_status)
