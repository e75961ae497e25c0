"""The ISO 18626 outbox sweep's schedule; `register()` is called from SharingConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    import sharing.iso18626.tasks  # noqa: F401  (not an app's tasks.py: the worker learns the tasks here)
    from office.schedules import add_schedule

    add_schedule(
        "sharing ISO 18626 outbox",
        "sharing.iso18626.tasks.outbox_sweep_task",
        300,
        title=_("ISO 18626 messages to partner libraries"),
        description=_("Sends the interlibrary loan messages to outside partners that were not delivered yet."),
    )
