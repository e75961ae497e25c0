from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketingConfig(AppConfig):
    name = "marketing"
    verbose_name = _("Marketing")

    def ready(self) -> None:
        from marketing import signals
        from marketing.demo import seed_marketing_demo
        from marketing.sources import register_sources
        from office import demo
        from office.ratelimit import LIMITS, Limit
        from office.schedules import Crontab, add_schedule

        register_sources()
        signals.connect()
        demo.register(seed_marketing_demo)
        # The cooperation form: a person sends one or two; a script sends hundreds.
        LIMITS.setdefault("marketing_inquiry", Limit(per_ip=10, per_address=5, window=3600))
        add_schedule(
            "marketing link check",
            "marketing.tasks.link_check_task",
            Crontab(minute="30", hour="2", day_of_week="1"),
            title=_("Subject navigation link check"),
            description=_("Checks every outside link of the subject navigation and tells the curators of dead ones."),
        )
        add_schedule(
            "marketing inquiry replies catch-up",
            "marketing.tasks.inquiry_reply_sweep_task",
            900,
            title=_("Inquiry replies catch-up"),
            description=_("E-mails the answers to inquiries that a broker outage left unsent."),
        )
