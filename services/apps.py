from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("Information services")

    def ready(self) -> None:
        from office import demo, inbox
        from office.schedules import Crontab, add_schedule
        from services import tiles as _tiles  # noqa: F401  (registers its dashboard tile)
        from services.demo import seed_services_demo
        from services.payables import register_payables
        from services.selectors import inbox_items

        register_payables()
        inbox.register(inbox_items)
        demo.register(seed_services_demo)
        # Idempotent per period / per registration, so running them often is harmless.
        add_schedule(
            "services subscription digests",
            "services.tasks.subscription_digest_task",
            3600,
            title=_("Subscription digests"),
            description=_("Builds the digest of every subscription period that has ended and was paid."),
        )
        add_schedule(
            "services digest e-mail sweep",
            "services.tasks.digest_email_sweep_task",
            900,
            title=_("Digest e-mail catch-up"),
            description=_("E-mails the digests that a broker outage left unsent."),
        )
        add_schedule(
            "services training reminders",
            "services.tasks.training_reminder_task",
            900,
            title=_("Training reminders"),
            description=_("Reminds registered people of tomorrow's training sessions, once each."),
        )
        # Deliveries and confirmation e-mails that a broker outage lost (services/sweeps.py).
        add_schedule(
            "services catch-up",
            "services.sweeps.services_catch_up_task",
            300,
            title=_("Information services catch-up"),
            description=_(
                "Sends e-mail and fax deliveries that a broker outage lost, and one more confirmation e-mail "
                "to clients who have not confirmed their address."
            ),
        )
        # Clean-up that used to wait for a person (services/actions/chores.py).
        add_schedule(
            "unconfirmed registrations clean-up",
            "services.tasks.client_registrations_unconfirmed_remove_task",
            Crontab(minute="15", hour="3"),
            title=_("Unconfirmed registrations removed"),
            description=_(
                "Deletes client accounts registered on the site more than 30 days ago whose e-mail address was "
                "never confirmed and that were never logged in to; the name and address are free again."
            ),
        )
