"""Volume data for the list benchmarks (issue 18 item 4), on top of `manage.py seed_demo`.

    .venv/bin/python manage.py seed_demo
    .venv/bin/python bench/volume_seed.py --scale 1.0        # against DATABASE_URL

At --scale 1.0: 20 offices (the demo's 4 and 16 more) with 200 departments, 5,000 staff,
10,000 clients, 100,000 purchase requests with their lines and approvals, 50,000 service
orders with payments and files (rows only, no bytes on disk), 20,000 sharing requests with
their rota and timeline, a year of audit events (300,000) and notifications (200,000).
Counts scale linearly with a floor (tests use --scale 0.005). The demo users get a realistic
share: staff_infodev asks, head_infodev approves, client_a orders, the director is notified.

Deterministic: the same --seed and --scale give the same rows; times are spread over the
year before --anchor (default: today, midnight UTC), so the demo's own rows stay newest.
Written with COPY (bench/volume_copy.py), ids reserved from the sequences; ANALYZE at the end.
Refuses to run twice on one database.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FULL = {
    "staff": 5_000,
    "clients": 10_000,
    "requests": 100_000,
    "orders": 50_000,
    "loans": 20_000,
    "audit": 300_000,
    "notifications": 200_000,
}
FLOOR = {"staff": 40, "clients": 30, "requests": 200, "orders": 100, "loans": 60, "audit": 500, "notifications": 400}
WORDS = (
    "graphene battery corrosion polymer catalyst genome vaccine sensor drone satellite river soil "
    "climate textile ceramic robot laser wheat rice tea silk bamboo harbour bridge tunnel railway "
    "研究 材料 技术 数据 网络 分析 系统 应用 设计 环境 能源 医学 农业 海洋 信息"
).split()


def counts_for(scale: float) -> dict[str, int]:
    return {key: max(FLOOR[key], round(full * scale)) for key, full in FULL.items()}


class Volume:
    """One run of the seed: the random source, the reference rows and what was written."""

    def __init__(self, *, scale: float, seed: int, anchor: datetime.datetime) -> None:
        from django.db import connection

        from bench.volume_copy import Copier

        self.rng = random.Random(seed)
        self.n = counts_for(scale)
        self.anchor = anchor
        self.copier = Copier(connection)
        self.year = anchor.year

    # --- small helpers ---------------------------------------------------------------------

    def when(self, within_days: float = 365) -> datetime.datetime:
        """A time in the `within_days` before the anchor, whole seconds."""
        return self.anchor - datetime.timedelta(seconds=self.rng.randrange(1, int(within_days * 86400)))

    def pick(self, weighted: dict[Any, float]) -> Any:
        return self.rng.choices(list(weighted), weights=list(weighted.values()))[0]

    def words(self, count: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(count))

    def step(self, label: str, function: Any) -> None:
        started = time.monotonic()
        function()
        print(f"  {label}: {time.monotonic() - started:.1f} s", flush=True)

    # --- the run ---------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        from bench import volume_activity, volume_business, volume_org

        self.load_demo()
        self.step("offices and departments", lambda: volume_org.offices(self))
        self.step("staff", lambda: volume_org.staff(self))
        self.step("clients", lambda: volume_org.clients(self))
        self.step("budgets and vendors", lambda: volume_org.budgets_and_vendors(self))
        self.step("purchase requests", lambda: volume_business.purchase_requests(self))
        self.step("service orders and payments", lambda: volume_business.service_orders(self))
        self.step("sharing requests", lambda: volume_activity.sharing_requests(self))
        self.step("audit events", lambda: volume_activity.audit_events(self))
        self.step("notifications", lambda: volume_activity.notifications(self))
        self.step("analyze", self.copier.analyze)
        return self.copier.written

    def load_demo(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from office.models import Organization, Position
        from services.models import Offering

        self.users = {u.username: u for u in get_user_model().objects.select_related("staff_profile__department")}
        self.orgs = list(Organization.objects.order_by("pk"))
        self.home = next(o for o in self.orgs if o.is_home)
        self.positions = {p.code: p for p in Position.objects.all()}
        self.groups = {g.name: g for g in Group.objects.all()}
        self.offerings = list(Offering.objects.select_related("department").order_by("pk"))
        if "director" not in self.users or not self.offerings:
            raise SystemExit("Run `manage.py seed_demo` first: the volume seed builds on the demo network.")


def seed(*, scale: float, seed: int = 18, anchor: datetime.datetime | None = None) -> dict[str, int]:
    """Write the volume data into the default database; returns rows written per model."""
    from django.db import transaction

    from office.models import Organization

    if Organization.objects.filter(code__startswith="vol-").exists():
        raise SystemExit("This database already has the volume data (offices vol-01...).")
    if anchor is None:
        today = datetime.datetime.now(datetime.UTC).date()
        anchor = datetime.datetime(today.year, today.month, today.day, tzinfo=datetime.UTC)
    with transaction.atomic():
        return Volume(scale=scale, seed=seed, anchor=anchor).run()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: the full volume; 0.01: a hundredth")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--anchor", type=datetime.date.fromisoformat, default=None, help="YYYY-MM-DD (today)")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "office.settings")
    import django

    django.setup()
    anchor = None
    if args.anchor:
        anchor = datetime.datetime(args.anchor.year, args.anchor.month, args.anchor.day, tzinfo=datetime.UTC)
    started = time.monotonic()
    written = seed(scale=args.scale, seed=args.seed, anchor=anchor)
    for label, count in sorted(written.items()):
        print(f"{label:36} {count:>9,}")
    print(f"{sum(written.values()):,} rows in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
