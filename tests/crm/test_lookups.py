"""`field__any_of` (crm.lookups): the rows `field__in` gives, with the list as one array parameter on PostgreSQL."""

import pytest
from django.db import connection
from django.db.models import Q

from teams.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_any_of_is_in():
    people = [UserFactory() for _ in range(4)]
    wanted = [people[0].pk, people[2].pk, 10**12]
    assert set(User.objects.filter(pk__any_of=wanted)) == set(User.objects.filter(pk__in=wanted))
    assert set(User.objects.filter(manager_id__any_of=[people[1].pk])) == set(
        User.objects.filter(manager_id__in=[people[1].pk]))
    assert not User.objects.filter(pk__any_of=[]).exists()
    assert set(User.objects.filter(Q(pk__any_of=[]) | Q(pk=people[3].pk))) == {people[3]}
    assert set(User.objects.exclude(pk__any_of=wanted)) == set(User.objects.exclude(pk__in=wanted))


def test_any_of_is_in_for_a_long_list():
    people = [UserFactory() for _ in range(12)]
    wanted = [person.pk for person in people[:10]] + [10**12]
    assert set(User.objects.filter(pk__any_of=wanted)) == set(people[:10])
    assert set(User.objects.exclude(pk__any_of=wanted)) == set(User.objects.exclude(pk__in=wanted))
    names = [person.username for person in people[2:12]]
    assert set(User.objects.filter(username__any_of=names)) == set(people[2:12])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the array parameter is PostgreSQL's")
def test_any_of_sends_one_array_not_a_placeholder_per_value():
    ids = list(range(1, 9))
    sql, params = User.objects.filter(pk__any_of=ids).query.get_compiler(using="default").as_sql()
    assert "= ANY(%s::bigint[])" in sql and params == (ids,)
    names = [f"person-{number}" for number in range(300)]  # not numbers: always a parameter
    sql, params = User.objects.filter(username__any_of=names).query.get_compiler(using="default").as_sql()
    assert "= ANY(%s::varchar(150)[])" in sql and params == (names,)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the array literal is PostgreSQL's")
def test_nine_or_more_numbers_are_an_array_literal_that_postgresql_hashes():
    ids = list(range(1, 301))
    sql, params = User.objects.filter(pk__any_of=ids).query.get_compiler(using="default").as_sql()
    assert "= ANY('{1,2,3," in sql and "300}'::bigint[])" in sql and params == ()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the array parameter is PostgreSQL's")
def test_one_value_is_an_equality_as_postgresql_makes_of_a_one_value_in():
    sql, params = User.objects.filter(manager_id__any_of=[7]).query.get_compiler(using="default").as_sql()
    assert '"manager_id" = %s' in sql and "ANY" not in sql and params == (7,)
