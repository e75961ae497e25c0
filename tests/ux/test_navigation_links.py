"""Issue 20: every entry the navigation offers a role opens for that role (no menu entry that
answers 403, as member-office staff had four), and the navigation is built the same way for
everyone: the work areas in the bar, the rest in "More", the language switcher in the header."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROLES = [
    "director",
    "head_infodev",
    "staff_infodev",
    "staff_custsvc",
    "staff_east",
    "director_east",
    "client_a",
    "client_b",
    None,
]
NAV = re.compile(r"<nav [^>]*site-nav.*?</nav>", re.S)


def _nav(html: str) -> str:
    found = NAV.search(html)
    assert found, "no site navigation on the page"
    return found.group(0)


def _start(username: str | None) -> str:
    return reverse("office:home") if username else reverse("cataloging:public_search")


@pytest.mark.parametrize("username", ROLES)
def test_every_navigation_link_a_role_sees_answers_200(demo, username):
    client = demo.client(username)
    response = client.get(_start(username))
    assert response.status_code == 200
    nav = _nav(response.content.decode())
    links = list(dict.fromkeys(re.findall(r'href="(/[^"#]*)"', nav)))
    links = [link for link in links if not link.startswith(("/static/", "/admin/"))]
    assert len(links) >= 3, links
    refused = {}
    for link in links:
        status = client.get(link).status_code
        if status != 200:
            refused[link] = status
    assert not refused, f"{username or 'anonymous'} is offered entries that do not open: {refused}"


def test_member_office_staff_are_not_offered_the_home_office_service_desk(demo):
    nav = _nav(demo.client("staff_east").get(reverse("office:home")).content.decode())
    for name in ("services:queue", "services:order_list", "services:subscription_list", "services:consultation_list"):
        assert f'href="{reverse(name)}"' not in nav, name
    assert f'href="{reverse("services:training_list")}"' in nav
    home = _nav(demo.client("staff_infodev").get(reverse("office:home")).content.decode())
    assert f'href="{reverse("services:queue")}"' in home


@pytest.mark.parametrize("username", ["director", "staff_east", "client_a"])
def test_the_bar_holds_the_work_areas_and_more_holds_the_rest(demo, username):
    nav = _nav(demo.client(username).get(reverse("office:home")).content.decode())
    assert 'id="nav-more"' in nav
    more = nav.split('id="nav-more"', 1)[1].split('class="navbar-nav align-items-xl-center nav-personal"')[0]
    assert 'id="nav-my-payments"' in (more if username != "client_a" else nav)
    if username == "director":
        for section in ("Payments", "Store", "Customer contact", "Public site"):
            assert f"</i> {section}</h6>" in more, section
    # One language switcher, in the header, and none left in the footer.
    html = demo.client(username).get(reverse("office:home")).content.decode()
    assert html.count('id="language-form"') == 1
    assert 'id="language-form"' in nav


def test_anonymous_visitors_get_the_public_entries_and_the_login_link(demo):
    nav = _nav(demo.client(None).get(reverse("cataloging:public_search")).content.decode())
    assert 'id="nav-more"' not in nav
    assert 'id="nav-login"' in nav
    assert 'id="language-form"' in nav
