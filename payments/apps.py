from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from office import demo
        from office.schedules import add_schedule
        from payments import tiles as _tiles  # noqa: F401  (registers its dashboard tile)
        from payments.actions import register_builtin_payables
        from payments.demo import seed_payments_demo

        register_builtin_payables()
        # Payments whose webhook never came are asked about every five minutes.
        add_schedule(
            "payment reconciliation",
            "payments.tasks.payment_reconcile_task",
            300,
            title=_("Payment reconciliation"),
            description=_(
                "Asks the payment provider about payments pending too long, retries stuck refunds, catches up "
                "lost notices to what was paid for and expires payments never started."
            ),
        )
        demo.register(seed_payments_demo)
