"""factory_boy factories for the org structure. Other apps add theirs in tests/<app>/factories.py.

Below the factories, helpers that build the demo's org structure one piece at a time: a
test that needs two people of one office builds those two (with their office and unit),
not seed_demo's whole network. The offices, units, positions and people are the demo's
own (read from seed_demo's tables), so names, codes and permissions match the demo's.
"""

from __future__ import annotations

from typing import Any

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from office import models
from office.management.commands import seed_demo


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organization
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"office{n}")
    name = factory.Sequence(lambda n: f"Office {n}")
    name_zh = factory.Sequence(lambda n: f"办公室{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Department

    organization = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"dept{n}")
    name = factory.Sequence(lambda n: f"Department {n}")
    name_zh = factory.Sequence(lambda n: f"部门{n}")


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Position
        django_get_or_create = ("code",)

    code = factory.LazyAttribute(lambda o: o.role)
    name = factory.LazyAttribute(lambda o: o.role.replace("_", " ").title())
    role = models.Position.Role.STAFF


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "a-Good-password-42")


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StaffProfile

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    organization = factory.LazyAttribute(lambda o: o.department.organization)
    position = factory.SubFactory(PositionFactory)
    display_name = factory.LazyAttribute(lambda o: o.user.username.title())


class ClientAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ClientAccount

    user = factory.SubFactory(UserFactory)
    display_name = factory.LazyAttribute(lambda o: o.user.username.title())


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Budget

    department = factory.SubFactory(DepartmentFactory)
    fiscal_year = 2026
    allocated_minor = 100_000


def retell_purpose(payment) -> None:
    """Tell a payment's purpose everything again, as a redelivered notify task would if the
    payment's "told" markers had been lost: the payable policy must change nothing more."""
    from payments.actions import payment_notify_purpose
    from payments.models import Payment

    Payment.objects.filter(pk=payment.pk).update(notified_status="", notified_refunded_minor=0)
    payment_notify_purpose(payment_id=payment.pk)


class EquipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Equipment

    organization = factory.SubFactory(OrganizationFactory)
    asset_tag = factory.Sequence(lambda n: f"pc-{n:04d}")
    name = factory.Sequence(lambda n: f"Workstation {n}")
    kind = models.Equipment.Kind.COMPUTER
    custodian = factory.SubFactory(DepartmentFactory, organization=factory.SelfAttribute("..organization"))


# --- the demo's org structure, piece by piece ---------------------------------------------------

_OFFICES = {row[0]: row for row in seed_demo.ORGANIZATIONS}
_UNITS = {row[0]: row for row in seed_demo.DEPARTMENTS}
_POSITIONS = {row[3]: row for row in seed_demo.POSITIONS}  # by role
_STAFF = {row[0]: row for row in seed_demo.STAFF}
_CLIENTS = {row[0]: row for row in seed_demo.CLIENTS}
_UNIT_ORDER = [row[0] for row in seed_demo.DEPARTMENTS]


def office(code: str = "home") -> models.Organization:
    """The demo's office `code` (home, east, riverside, north), as seed_demo writes it; no units."""
    _code, name, name_zh, is_home, city = _OFFICES[code]
    organization, _created = models.Organization.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "name_zh": name_zh,
            "is_home": is_home,
            "city": city,
            "email": f"office@{code}.example",
        },
    )
    return organization


def home_office() -> models.Organization:
    """The home office (the hub): the catalog operator, the payee of the network."""
    return office("home")


def member_office(code: str = "east") -> models.Organization:
    assert not _OFFICES[code][3], f"{code} is the home office"
    return office(code)


def department(code: str = "infodev", organization: models.Organization | None = None) -> models.Department:
    """The demo's unit `code` of an office (default the home office), its parent unit first:
    department("topic") is the topic-service group inside information development."""
    organization = organization or home_office()
    _code, parent, kind, name, name_zh, description, description_zh, limit = _UNITS[code]
    unit, _created = models.Department.objects.get_or_create(
        organization=organization,
        code=code,
        defaults={
            "parent": department(parent, organization) if parent else None,
            "kind": kind,
            "name": name,
            "name_zh": name_zh,
            "description": description,
            "description_zh": description_zh,
            "sort_order": _UNIT_ORDER.index(code) * 10,
            "approval_limit_minor": limit,
        },
    )
    if _created:
        seed_demo.assign_demo_functions(unit)  # the functions (office.functions) the demo gives it
    return unit


def office_units(organization: models.Organization | None = None) -> dict[str, models.Department]:
    """Every unit the demo gives an office: the home office has groups, member offices do not."""
    organization = organization or home_office()
    return {
        code: department(code, organization)
        for code, _parent, kind, *_rest in seed_demo.DEPARTMENTS
        if organization.is_home or kind != models.Department.Kind.GROUP
    }


def position(role: str = models.Position.Role.STAFF) -> models.Position:
    """The demo's position that carries `role` (director, admin_assistant, business_assistant, head, staff)."""
    code, name, name_zh, role, rank = _POSITIONS[role]
    post, _created = models.Position.objects.get_or_create(
        code=code, defaults={"name": name, "name_zh": name_zh, "role": role, "rank": rank}
    )
    return post


_demo_unit = department  # `staff` takes a parameter of that name
_ROLE_OF_POSITION = {row[0]: row[3] for row in seed_demo.POSITIONS}
_LEADERSHIP_ROLES = {
    models.Position.Role.DIRECTOR,
    models.Position.Role.ADMIN_ASSISTANT,
    models.Position.Role.BUSINESS_ASSISTANT,
}


def staff(
    username: str | None = None,
    *,
    role: str = models.Position.Role.STAFF,
    department: models.Department | str | None = None,
    organization: models.Organization | None = None,
    admin: bool | None = None,
    password: str | None = None,
    email: str | None = None,
    **profile: Any,
) -> Any:
    """A staff member (the user) of an office: `role` is the position's role, `department` a
    unit or a demo unit code (default: the leadership office for leadership roles, information
    development otherwise) of `organization` (default the home office).

    The role groups follow from the profile (office.signals -> sync_role_groups), as for the
    demo's users. The home office's director also administers the intranet (is_staff and
    is_superuser), as the demo's director does; `admin` overrides that."""
    if isinstance(department, models.Department):
        unit = department
    else:
        organization = organization or home_office()
        default = "leadership" if role in _LEADERSHIP_ROLES else "infodev"
        unit = _demo_unit(department or default, organization)
    if admin is None:
        admin = role == models.Position.Role.DIRECTOR and unit.organization.is_home
    user_fields: dict[str, Any] = {"is_staff": admin, "is_superuser": admin}
    if username:
        user_fields["username"] = username
    if email:
        user_fields["email"] = email
    if password:
        user_fields["password"] = password
    return StaffProfileFactory(
        user=UserFactory(**user_fields),
        department=unit,
        organization=unit.organization,
        position=position(role),
        **profile,
    ).user


def client_user(
    username: str | None = None, *, password: str | None = None, email: str | None = None, **account: Any
) -> Any:
    """A remote client (the user) with a confirmed e-mail address, as the demo's clients."""
    user_fields: dict[str, Any] = {}
    if username:
        user_fields["username"] = username
    if email:
        user_fields["email"] = email
    if password:
        user_fields["password"] = password
    account.setdefault("email_confirmed", True)
    return ClientAccountFactory(user=UserFactory(**user_fields), **account).user


def demo_user(username: str) -> Any:
    """The demo's user `username` (e.g. "head_techsvc", "staff_east", "client_a"), with their
    office, unit and position or client account, profile and flags as seed_demo writes them,
    and nothing else of the network. Built once: a second call returns the same user."""
    existing = get_user_model().objects.filter(username=username).first()
    if existing is not None:
        return existing
    if username in _CLIENTS:
        _name, kind, display, organisation, email, phone = _CLIENTS[username]
        return client_user(
            username,
            password=settings.DEMO_PASSWORD,
            email=email,
            kind=kind,
            display_name=display,
            organisation_name=organisation,
            phone=phone,
            postal_address="1 Demo Road, Guangzhou 广州示范路1号",
        )
    _name, office_code, unit, post, display, title, email = _STAFF[username]
    return staff(
        username,
        role=_ROLE_OF_POSITION[post],
        department=department(unit, office(office_code)),
        password=settings.DEMO_PASSWORD,
        email=email,
        display_name=display,
        title=title,
        phone="020-8000-" + str(1000 + sum(map(ord, username)) % 9000),
        extension=str(100 + len(username)),
        duties=title,
    )


def logged_in(user: Any | None) -> Client:
    """A test client signed in as `user` (anonymous for None)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


class People:
    """The demo's users by name, each built by `demo_user` the first time a test names them:
    `people.head_infodev`, `people["staff_east"]`, `people.client("director")`. Reads like
    the `demo` fixture, without seeding the network; a test that needs somebody to exist
    before it acts (an audience, a bystander) names them with `people.build(...)`."""

    def __init__(self) -> None:
        self.users: dict[str, Any] = {}

    def __getitem__(self, username: str) -> Any:
        if username not in self.users:
            self.users[username] = demo_user(username)
        return self.users[username]

    def __getattr__(self, username: str) -> Any:
        if username.startswith("_") or username not in {*_STAFF, *_CLIENTS}:
            raise AttributeError(username)
        return self[username]

    def build(self, *usernames: str) -> None:
        for username in usernames:
            self[username]

    def client(self, username: str | None) -> Client:
        return logged_in(self[username] if username else None)


def budget_line(unit: models.Department | str, fiscal_year: int | None = None) -> models.Budget:
    """The demo's budget line of a home-office unit for this year (seed_demo's allocation, with
    its allocation entry); `unit` is a Department or a demo unit code."""
    from django.utils import timezone

    if isinstance(unit, str):
        unit = department(unit)
    amount = seed_demo.BUDGETS[unit.code]
    budget, created = models.Budget.objects.get_or_create(
        department=unit,
        fiscal_year=fiscal_year or timezone.localdate().year,
        defaults={"allocated_minor": amount, "currency": settings.DEFAULT_CURRENCY},
    )
    if created:
        models.BudgetEntry.objects.create(
            budget=budget, kind=models.BudgetEntry.Kind.ALLOCATE, amount_minor=amount, note="Demo allocation"
        )
    return budget


def document(slug: str, organization: models.Organization | None = None, author: Any = None) -> models.Document:
    """The demo's policy document `slug` (e.g. "budget-policy", "duties-head") of the home
    office, at version 1 as seed_demo writes it."""
    organization = organization or home_office()
    row = {r[0]: r for r in seed_demo.DOCUMENTS}[slug]
    _slug, kind, unit, post, title, title_zh, body, body_zh = row
    doc, created = models.Document.objects.get_or_create(
        organization=organization,
        slug=slug,
        defaults={
            "kind": kind,
            "title": title,
            "title_zh": title_zh,
            "department": department(unit, organization) if unit else None,
            "position": position(_ROLE_OF_POSITION[post]) if post else None,
        },
    )
    if created:
        models.DocumentVersion.objects.create(
            document=doc, number=1, body=body, body_zh=body_zh, change_note="First version", author=author
        )
        doc.current_version = 1
        doc.save(update_fields=["current_version"])
    return doc


def equipment(tag: str = "AV-0001", organization: models.Organization | None = None) -> models.Equipment:
    """The demo's inventory item `tag` (office.equipment.DEMO_EQUIPMENT) of the home office."""
    import datetime

    from office.equipment import DEMO_EQUIPMENT

    organization = organization or home_office()
    _tag, name, kind, location, custodian, purchased, years = {row[0]: row for row in DEMO_EQUIPMENT}[tag]
    bought = datetime.date(*purchased)
    return EquipmentFactory(
        organization=organization,
        asset_tag=tag.lower(),
        name=name,
        kind=kind,
        location=location,
        custodian=department(custodian, organization),
        purchase_date=bought,
        warranty_until=bought.replace(year=bought.year + years),
    )


def welcome_note(user: Any) -> models.Notification:
    """The welcome notification seed_demo gives head_infodev, staff_infodev and client_a."""
    return models.Notification.objects.create(
        recipient=user,
        verb="office.demo.welcome",
        send_email=False,
        title="Welcome to the office intranet",
        params={},
        url="/intranet/",
    )
