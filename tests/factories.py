"""factory_boy factories for the org structure. Other apps add theirs in tests/<app>/factories.py."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from office import models


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
