"""A provider's representative has no staff profile: after logging in, its home is a desk that
lists the negotiations it answers for, and only those."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from procurement.consortia.demo import DEMO_NAME, PROVIDER_USERNAME
from procurement.consortia.models import Consortium, ProviderRepresentative
from procurement.models import Vendor

pytestmark = pytest.mark.django_db


def test_provider_lands_on_a_desk_listing_its_negotiation(demo, django_user_model):
    consortium = Consortium.objects.get(name=DEMO_NAME)
    assert consortium.status == Consortium.Status.NEGOTIATING
    provider = Client()
    provider.force_login(django_user_model.objects.get(username=PROVIDER_USERNAME))
    response = provider.get(reverse("office:home"))
    assert response.status_code == 200
    assert reverse("procurement:negotiation_room", args=[consortium.pk]) in response.content.decode()
    assert DEMO_NAME in response.content.decode()


def test_another_vendors_representative_sees_none_of_it(demo, django_user_model):
    other = django_user_model.objects.create_user(username="other_provider", password="x")
    ProviderRepresentative.objects.create(
        user=other, vendor=Vendor.objects.get(code="bookhub", organization__is_home=True)
    )
    client = Client()
    client.force_login(other)
    response = client.get(reverse("office:home"))
    # No consortium of BookHub's is in play: nothing to show, so the no-profile page (403).
    assert response.status_code == 403
    assert DEMO_NAME not in response.content.decode()


def test_account_without_profile_or_work_gets_the_no_profile_page(demo, django_user_model):
    bare = django_user_model.objects.create_user(username="bare", password="x")
    client = Client()
    client.force_login(bare)
    assert client.get(reverse("office:home")).status_code == 403
