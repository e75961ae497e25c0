from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class OfficeConfig(AppConfig):
    name = "office"
    verbose_name = _("Office")

    def ready(self) -> None:
        from office import data_versions as _data_versions  # noqa: F401  (tracks writes per app)
        from office import demo, lookups, signals
        from office.dashboard import setup as _dashboard  # noqa: F401  (tiles, monthly report schedule)
        from office.equipment import seed_equipment
        from office.schedules import ensure_periodic_tasks

        demo.register(seed_equipment)
        lookups.register()

        post_migrate.connect(ensure_periodic_tasks, sender=self)
        post_save.connect(signals.profile_saved, sender="office.StaffProfile")
        post_save.connect(signals.profile_saved, sender="office.ClientAccount")
