from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogingConfig(AppConfig):
    name = "cataloging"
    verbose_name = _("Union cataloging")

    def ready(self) -> None:
        from cataloging import tiles as _tiles  # noqa: F401  (registers its dashboard tile)
        from cataloging.demo import seed_catalog
        from cataloging.inbox import review_items
        from cataloging.payables import register_payables
        from office import demo, inbox
        from office.schedules import Crontab, add_schedule

        demo.register(seed_catalog)
        inbox.register(review_items)
        register_payables()
        # Import jobs and review news that a broker outage lost (cataloging/sweeps.py).
        add_schedule(
            "cataloging catch-up",
            "cataloging.sweeps.cataloging_catch_up_task",
            300,
            title=_("Cataloging catch-up"),
            description=_("Runs import jobs and sends review decisions that a broker outage lost."),
        )
        # Month-end and clean-up that used to wait for a person (cataloging/actions/chores.py).
        add_schedule(
            "cataloging statements month close",
            "cataloging.tasks.statements_close_month_task",
            Crontab(minute="30", hour="0", day_of_month="1"),
            title=_("Cataloging statements closed"),
            description=_(
                "On the first of the month, closes last month's statement of every office with fees or credits "
                "and tells its leadership; a month closed by hand is left alone."
            ),
        )
        add_schedule(
            "cataloging import files clean-up",
            "cataloging.tasks.import_files_remove_task",
            Crontab(minute="25", hour="3"),
            title=_("Old MARC upload files removed"),
            description=_(
                "Deletes the uploaded file of MARC imports finished more than 30 days ago; the report stays."
            ),
        )
