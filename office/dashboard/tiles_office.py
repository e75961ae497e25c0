"""The office's own dashboard tile: backups, the restore drill, beat and the workers (the
database checks of the health page; the broker check, which waits on Redis, stays there)."""

from __future__ import annotations

from django.db.models import Max
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from office import permissions, selectors
from office.dashboard import batch
from office.dashboard.tiles import Scope, Stat, Tile, age_text

TONES = {selectors.GREEN: "success", selectors.AMBER: "warning", selectors.RED: "danger"}


def _when(moment: object) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") if moment else "—"


def health_reads(scope: Scope) -> dict:
    """The health checks' reads (office/selectors/health.py), in the dashboard's one batch."""
    if not scope.whole_office or not scope.organization.is_home:
        return {}
    reads = selectors.health_reads()
    return {
        "workers": batch.instances(reads["workers"]),
        "beat_runs": batch.aggregate(reads["beat_runs"], t=Max("last_run_at")),
        "heartbeats": batch.aggregate(reads["heartbeats"], t=Max("last_seen")),
        **{name: batch.instances(reads[name]) for name in ("last_good", "latest", "drill")},
    }


def health_tile(scope: Scope, data: dict) -> list[Tile]:
    if not scope.whole_office or not scope.organization.is_home:
        return []
    backup = selectors.health_last_backup((data["last_good"], data["latest"]))
    drill = selectors.health_last_drill(data["drill"])
    beat = selectors.health_beat([data["beat_runs"]["t"], data["heartbeats"]["t"]])
    workers = selectors.health_workers(beats=data["workers"])
    states = {selectors.GREEN: _("OK"), selectors.AMBER: _("Attention"), selectors.RED: _("Failing")}
    can_see = permissions.can_view_health(scope.user)
    last_backup = backup["backup"].finished_at if backup["backup"] else None
    stats = [
        Stat(
            _("Last good backup"),
            _when(last_backup),
            reverse("office:backup_list") if can_see else "",
            TONES[backup["state"]],
        ),  # fmt: skip
        Stat(_("Backup age"), age_text(last_backup), tone=TONES[backup["state"]]),
        Stat(_("Restore drill"), states[drill["state"]], tone=TONES[drill["state"]]),
        Stat(_("Scheduler"), states[beat["state"]], tone=TONES[beat["state"]]),
        Stat(
            _("Workers alive"),
            str(sum(1 for w in workers if w["state"] == selectors.GREEN)),
            tone="success" if any(w["state"] == selectors.GREEN for w in workers) else "warning",
        ),
    ]
    return [
        Tile(
            key="health",
            title=_("Backup and health"),
            order=70,
            icon="bi-heart-pulse",
            stats=stats,
            link=reverse("office:health") if can_see else "",
        )
    ]
