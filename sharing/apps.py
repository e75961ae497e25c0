from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "sharing"
    verbose_name = _("Resource sharing")

    def ready(self) -> None:
        from office import demo, inbox
        from office.schedules import Crontab, add_schedule
        from sharing.demo import seed_sharing_demo
        from sharing.iso18626 import schedules as iso_schedules
        from sharing.payables import register_payables
        from sharing.selectors import inbox_items

        register_payables()
        inbox.register(inbox_items)
        demo.register(seed_sharing_demo)
        iso_schedules.register()  # the ISO 18626 outbox sweep (sharing/iso18626)
        add_schedule(
            "sharing sweep",
            "sharing.tasks.sharing_sweep_task",
            300,
            title=_("Resource-sharing sweep"),
            description=_(
                "Sends requests whose lender did not answer in time to the next lender (or ends them unfilled), "
                "marks overdue loans with a notice, and deletes delivered copies after their retention period."
            ),
        )
        # Idempotent: the first three days of the month, so a missed run is made up.
        add_schedule(
            "sharing monthly settlement",
            "sharing.tasks.settlement_close_month_task",
            Crontab(minute="40", hour="1", day_of_month="1-3"),
            title=_("Resource-sharing settlement"),
            description=_(
                "Nets last month's interlibrary loan and document delivery charges between each pair of offices."
            ),
        )
