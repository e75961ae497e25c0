"""Querysets compiled once per process (office.prepared) and the session's user read with their
identity in one query (office.auth.UsernameOrEmailBackend.get_user, office.access)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from office.access import _identity_query, client_account, staff_profile, user_roles, user_with_identity
from office.functions import unit_functions, user_functions
from office.models import Department
from office.prepared import Prepared
from tests.factories import People

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db) -> People:
    people = People()
    people.build("staff_infodev", "head_infodev", "director", "client_a")
    return people


def _fields(obj):
    return {key: value for key, value in obj.__dict__.items() if not key.startswith("_")}


def test_a_prepared_read_gives_what_its_queryset_gives_for_each_value(people):
    def children(parent):
        return Department.objects.filter(parent_id=parent).select_related("parent").order_by("pk")

    units = Prepared(children, -1)
    for parent in Department.objects.filter(parent__isnull=True).values_list("pk", flat=True):
        expected = list(Department.objects.filter(parent_id=parent).select_related("parent").order_by("pk"))
        got = units(parent)
        assert [_fields(unit) for unit in got] == [_fields(unit) for unit in expected]
        assert [_fields(unit.parent) for unit in got] == [_fields(unit.parent) for unit in expected]
    assert units(-5) == []


def test_it_compiles_once(people):
    calls = []

    def build(pk):
        calls.append(pk)
        return Department.objects.filter(pk=pk)

    read = Prepared(build, -1)
    first = Department.objects.order_by("pk").first()
    assert read(first.pk) == [first] and read(first.pk) == [first]
    assert calls == [-1]


def test_a_stand_in_that_is_not_exactly_one_parameter_is_refused(people):
    read = Prepared(lambda pk: Department.objects.filter(pk=pk) | Department.objects.filter(parent_id=pk), -1)
    with pytest.raises(ValueError, match="appears 2 times"):
        read(1)


@pytest.mark.parametrize("username", ["staff_infodev", "head_infodev", "director", "client_a"])
def test_the_user_comes_with_their_identity_in_one_query(people, username):
    pk = people.users[username].pk
    expected = _identity_query(pk).get()
    with CaptureQueriesContext(connection) as queries:
        user = user_with_identity(pk)
        roles, profile, account = user_roles(user), staff_profile(user), client_account(user)
        functions = user_functions(user) if profile else None
    assert len(queries) == 1
    assert _fields(user) == _fields(expected)
    reference = get_user_model().objects.get(pk=pk)
    assert roles == user_roles(reference)
    assert (profile and profile.pk) == (staff_profile(reference) and staff_profile(reference).pk)
    assert (account and account.pk) == (client_account(reference) and client_account(reference).pk)
    if profile is not None:
        assert functions == unit_functions(profile.department_id)
        assert profile.department.parent_id == staff_profile(reference).department.parent_id


def test_no_such_user_or_a_bad_session_value_is_nobody(people):
    assert user_with_identity(10**9) is None
    assert user_with_identity("not a number") is None


def test_an_inactive_user_is_signed_out(people, client):
    user = people.staff_infodev
    client.force_login(user)
    assert client.get(reverse("office:home")).status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get(reverse("office:home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_signed_in_page_reads_the_user_and_their_identity_once(people, client):
    client.force_login(people.client_a)
    client.get(reverse("office:home"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("office:home")).status_code == 200
    user_reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(('SELECT "auth_user"."id"', "EXECUTE office_prepared_"))
    ]
    assert len(user_reads) == 1, user_reads


# --- prepared on the server (PostgreSQL) -------------------------------------------------------------


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PREPARE is PostgreSQL's")


def _session_statements() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


@postgres_only
def test_it_is_prepared_once_per_session_and_each_call_is_one_execute(people):
    read = Prepared(lambda pk: Department.objects.filter(pk=pk, name__contains="%").select_related("parent"), -1)
    unit = Department.objects.order_by("pk").first()
    Department.objects.filter(pk=unit.pk).update(name="100% reading")
    with CaptureQueriesContext(connection) as queries:
        assert [d.pk for d in read(unit.pk)] == [unit.pk]  # the literal "%" kept in the prepared text
        assert read(-5) == []
    sqls = [q["sql"] for q in queries.captured_queries]
    assert len(sqls) == 2 and all(sql.startswith("EXECUTE office_prepared_") for sql in sqls), sqls  # no PREPARE
    assert len({name for name in _session_statements() if name.startswith("office_prepared_")}) >= 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_and_a_new_connection_still_find_it(people):
    from django.db import transaction

    read = Prepared(lambda pk: Department.objects.filter(pk=pk), -1)
    unit = Department.objects.order_by("pk").first()
    try:
        with transaction.atomic():
            assert read(unit.pk) == [unit]  # prepared inside a transaction ...
            raise RuntimeError
    except RuntimeError:
        pass
    assert read(unit.pk) == [unit]  # ... outlives its rollback (PREPARE is not transactional)
    connection.close()  # a new session: prepared again
    assert read(unit.pk) == [unit]
