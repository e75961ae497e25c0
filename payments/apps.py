from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self) -> None:
        from office import demo
        from office.schedules import DEFAULT_SCHEDULES
        from payments.actions import register_builtin_payables
        from payments.demo import seed_payments_demo

        register_builtin_payables()
        # Payments whose webhook never came are asked about every five minutes.
        DEFAULT_SCHEDULES["payment reconciliation"] = ("payments.tasks.payment_reconcile_task", 300)
        demo.register(seed_payments_demo)
