"""The volume seed's org structure (bench/volume_seed.py): offices, units, staff, clients,
budgets, vendors and their catalogs. Each function reads and fills attributes of the run `v`."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

NEW_OFFICES = 16  # with the demo's four: 20
UNITS_PER_OFFICE = 5  # departments, each with one group: 11 units with the leadership office
HOME_EXTRA_UNITS = 5  # 16 x 11 + the demo's 19 + 5 = 200
CITIES = "Wuhan Chengdu Xi'an Nanjing Hangzhou Changsha Kunming Harbin Jinan Fuzhou Hefei Nanning Lanzhou".split()
UNIT_NAMES = [
    ("Acquisitions", "采访部"),
    ("Cataloguing", "编目部"),
    ("Reference", "参考咨询部"),
    ("Systems", "系统部"),
    ("Special collections", "特藏部"),
]


def _stamp(v: Any) -> dict[str, Any]:
    at = v.when()
    return {"created_at": at, "updated_at": at}


def offices(v: Any) -> None:
    from office.models import Department, Organization

    ids = v.copier.reserve(Organization, NEW_OFFICES)
    rows = []
    for n, pk in enumerate(ids, start=1):
        city = CITIES[n % len(CITIES)]
        rows.append({
            "id": pk, "code": f"vol-{n:02d}", "name": f"{city} Information Office {n}",
            "name_zh": f"{city}第{n}信息办公室", "city": city, "email": f"office@vol-{n:02d}.example",
            **_stamp(v),
        })  # fmt: skip
    v.copier.copy(Organization, rows)
    v.new_office_ids = ids
    v.office_ids = [o.pk for o in v.orgs] + ids
    _units(v, Department)


def _units(v: Any, Department: Any) -> None:
    plan: list[tuple[int, str, str, str, str, str | None]] = []  # office, code, kind, name, name_zh, parent code
    for office_id in v.new_office_ids:
        plan.append((office_id, "leadership", "leadership", "Leadership office", "办公室领导层", None))
        for k in range(UNITS_PER_OFFICE):
            name, name_zh = UNIT_NAMES[k % len(UNIT_NAMES)]
            plan.append((office_id, f"dept-{k + 1}", "department", name, name_zh, None))
            plan.append((office_id, f"grp-{k + 1}", "group", f"{name} group", f"{name_zh}小组", f"dept-{k + 1}"))
    for k in range(HOME_EXTRA_UNITS):
        name, name_zh = UNIT_NAMES[k % len(UNIT_NAMES)]
        plan.append((v.home.pk, f"vol-dept-{k + 1}", "department", f"{name} (branch)", f"{name_zh}（分部）", None))
    ids = v.copier.reserve(Department, len(plan))
    by_code = {(office, code): pk for pk, (office, code, *_rest) in zip(ids, plan, strict=True)}
    rows = [
        {
            "id": pk, "organization_id": office, "code": code, "kind": kind, "name": name, "name_zh": name_zh,
            "parent_id": by_code[(office, parent)] if parent else None, "sort_order": n * 10,
            "approval_limit_minor": 500_000, **_stamp(v),
        }
        for n, (pk, (office, code, kind, name, name_zh, parent)) in enumerate(zip(ids, plan, strict=True))
    ]  # fmt: skip
    v.copier.copy(Department, rows)
    v.units = defaultdict(list)  # office id -> [(unit id, kind)]
    v.parent_of: dict[int, int | None] = {}
    for unit in Department.objects.order_by("pk"):
        v.units[unit.organization_id].append((unit.pk, unit.kind))
        v.parent_of[unit.pk] = unit.parent_id


def _office_weights(v: Any) -> dict[int, float]:
    """Where people and work are: the home office 15 %, each demo member office 4 %, the rest
    shared by the new offices."""
    weights = {o.pk: (0.15 if o.is_home else 0.04) for o in v.orgs}
    rest = (1 - sum(weights.values())) / len(v.new_office_ids)
    weights.update({pk: rest for pk in v.new_office_ids})
    return weights


def staff(v: Any) -> None:
    from django.contrib.auth import get_user_model

    from office.models import StaffProfile

    v.office_weights = _office_weights(v)
    v.staff_by_office = defaultdict(list)
    v.head_of: dict[int, int] = {}
    v.director_of: dict[int, int] = {}
    v.dept_of: dict[int, int] = {}
    for user in v.users.values():  # the demo's staff
        profile = getattr(user, "staff_profile", None)
        if profile is not None:
            _place(v, user.pk, profile.organization_id, profile.department_id, profile.position.role)
    count = v.n["staff"]
    ids = v.copier.reserve(get_user_model(), count)
    profiles, memberships = [], []
    for n, pk in enumerate(ids, start=1):
        office = v.pick(v.office_weights)
        unit, kind = v.rng.choice(v.units[office])
        role = "staff"
        if office in v.new_office_ids and kind == "leadership" and office not in v.director_of:
            role = "director"
        elif office in v.new_office_ids and unit not in v.head_of and kind != "leadership":
            role = "head"
        _place(v, pk, office, unit, role)
        profiles.append({
            "user_id": pk, "organization_id": office, "department_id": unit,
            "position_id": v.positions["head" if role == "head" else role].pk,
            "display_name": f"Staff {n:05d} 员工{n}", "title": role.title(), **_stamp(v),
        })  # fmt: skip
        memberships += [{"user_id": pk, "group_id": v.groups["staff"].pk}]
        if role != "staff":
            memberships.append({"user_id": pk, "group_id": v.groups[role].pk})
    _users(v, ids, "staff")
    v.copier.copy(StaffProfile, profiles)
    v.copier.copy(get_user_model().groups.through, memberships)


def _place(v: Any, user_id: int, office: int, unit: int, role: str) -> None:
    v.staff_by_office[office].append(user_id)
    v.dept_of[user_id] = unit
    if role == "head":
        v.head_of.setdefault(unit, user_id)
    elif role == "director":
        v.director_of.setdefault(office, user_id)


def _users(v: Any, ids: list[int], kind: str) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    if not hasattr(v, "password"):
        # One hash with a fixed salt (the same rows every run): the bench signs in as anyone.
        v.password = make_password(settings.DEMO_PASSWORD, salt="volumeseed18")
    rows = [
        {"id": pk, "username": f"vol.{kind}{n:05d}", "email": f"vol.{kind}{n:05d}@volume.example",
         "password": v.password, "is_active": True, "date_joined": v.when()}
        for n, pk in enumerate(ids, start=1)
    ]  # fmt: skip
    v.copier.copy(get_user_model(), rows)


def clients(v: Any) -> None:
    from django.contrib.auth import get_user_model

    from office.models import ClientAccount

    ids = v.copier.reserve(get_user_model(), v.n["clients"])
    _users(v, ids, "client")
    account_ids = v.copier.reserve(ClientAccount, len(ids))
    rows = []
    for n, (pk, user_id) in enumerate(zip(account_ids, ids, strict=True), start=1):
        organisation = v.rng.random() < 0.4
        rows.append({
            "id": pk, "user_id": user_id, "kind": "organisation" if organisation else "person",
            "display_name": f"Client {n:05d} 客户{n}", "email_confirmed": True,
            "organisation_name": f"Institute {n % 700} 研究所" if organisation else "", **_stamp(v),
        })  # fmt: skip
    v.copier.copy(ClientAccount, rows)
    v.copier.copy(get_user_model().groups.through, [{"user_id": u, "group_id": v.groups["client"].pk} for u in ids])
    v.client_users = dict(zip(account_ids, ids, strict=True))  # account -> user
    for username in ("client_a", "client_b"):
        account = v.users[username].client_account
        v.client_users[account.pk] = v.users[username].pk


def budgets_and_vendors(v: Any) -> None:
    from office.models import Budget

    existing = dict(Budget.objects.filter(fiscal_year=v.year).values_list("department_id", "pk"))
    missing = [unit for units in v.units.values() for unit, _kind in units if unit not in existing]
    ids = v.copier.reserve(Budget, len(missing))
    v.copier.copy(Budget, [
        {"id": pk, "department_id": unit, "fiscal_year": v.year, "currency": "CNY",
         "allocated_minor": 50_000_000, **_stamp(v)}
        for pk, unit in zip(ids, missing, strict=True)
    ])  # fmt: skip
    v.budget_of = {**existing, **dict(zip(missing, ids, strict=True))}
    _vendors(v)


def _vendors(v: Any) -> None:
    from procurement.models import Vendor, VendorItem

    v.items_by_office = defaultdict(list)  # office -> [(item, vendor, title, price)]
    for item in VendorItem.objects.filter(vendor__organization=v.home).order_by("pk"):
        v.items_by_office[v.home.pk].append((item.pk, item.vendor_id, item.title, item.price_minor))
    offices = [pk for pk in v.office_ids if pk != v.home.pk]
    vendor_ids = v.copier.reserve(Vendor, 3 * len(offices))
    vendors = [(vendor_ids[3 * n + k], office, k) for n, office in enumerate(offices) for k in range(3)]
    v.copier.copy(Vendor, [
        {"id": pk, "organization_id": office, "code": f"vol-vendor-{k + 1}", "name": f"Book supplier {k + 1}",
         "name_zh": f"图书供应商{k + 1}", "email": f"orders{k + 1}@vendor.example", **_stamp(v)}
        for pk, office, k in vendors
    ])  # fmt: skip
    item_ids = iter(v.copier.reserve(VendorItem, 20 * len(vendors)))
    items = []
    for vendor, office, _k in vendors:
        for s in range(20):
            pk, price = next(item_ids), v.rng.randrange(20, 2000) * 100
            title = f"{v.words(3).capitalize()} handbook"
            items.append({"id": pk, "vendor_id": vendor, "sku": f"V{s:04d}", "title": title,
                          "price_minor": price, **_stamp(v)})  # fmt: skip
            v.items_by_office[office].append((pk, vendor, title, price))
    v.copier.copy(VendorItem, items)
