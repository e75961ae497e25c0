from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("Information services")

    def ready(self) -> None:
        from office import demo, inbox
        from office.schedules import DEFAULT_SCHEDULES
        from services.demo import seed_services_demo
        from services.payables import register_payables
        from services.selectors import inbox_items

        register_payables()
        inbox.register(inbox_items)
        demo.register(seed_services_demo)
        # Idempotent per period / per registration, so running them often is harmless.
        DEFAULT_SCHEDULES["services subscription digests"] = ("services.tasks.subscription_digest_task", 3600)
        DEFAULT_SCHEDULES["services digest e-mail sweep"] = ("services.tasks.digest_email_sweep_task", 900)
        DEFAULT_SCHEDULES["services training reminders"] = ("services.tasks.training_reminder_task", 900)
        # Deliveries and confirmation e-mails that a broker outage lost (services/sweeps.py).
        DEFAULT_SCHEDULES["services catch-up"] = ("services.sweeps.services_catch_up_task", 300)
