from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("Information services")

    def ready(self) -> None:
        from office import demo, inbox
        from services.actions import register_purpose
        from services.demo import seed_services_demo
        from services.selectors import inbox_items

        register_purpose()
        inbox.register(inbox_items)
        demo.register(seed_services_demo)
