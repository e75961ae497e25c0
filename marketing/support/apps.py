from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    """Customer service on the public site: live chat and satisfaction surveys (issue 14)."""

    name = "marketing.support"
    label = "support"
    verbose_name = _("Customer contact")

    def ready(self) -> None:
        from marketing.support.demo import seed_support_demo
        from marketing.support.selectors import inbox_items
        from office import demo, inbox, ratelimit
        from office.schedules import add_schedule

        inbox.register(inbox_items)
        demo.register(seed_support_demo)
        # Visitors type addresses and messages without an account: counted per client IP, and
        # per chat (messages) or per e-mail address (mail we send, inquiries).
        ratelimit.LIMITS.setdefault("support_chat", ratelimit.Limit(per_ip=300, per_address=40, window=600))
        ratelimit.LIMITS.setdefault("support_transcript", ratelimit.Limit(per_ip=10, per_address=3, window=3600))
        ratelimit.LIMITS.setdefault("support_offline", ratelimit.Limit(per_ip=10, per_address=3, window=3600))
        # Both idempotent (one invitation per thing and person; a transcript sent once).
        add_schedule(
            "support survey invitations",
            "marketing.support.tasks.survey_invitation_sweep_task",
            900,
            title=_("Satisfaction survey invitations"),
            description=_(
                "Invites clients to rate completed service orders, closed consultations, attended training "
                "sessions and closed chats, once each."
            ),
        )
        add_schedule(
            "support transcript e-mail sweep",
            "marketing.support.tasks.transcript_sweep_task",
            600,
            title=_("Chat transcript catch-up"),
            description=_("E-mails the chat transcripts visitors asked for that a broker outage left unsent."),
        )
