"""The workbench's organisation card (teams.selectors.people_around) reads in one hand-written query what the
ORM query it replaced read: the same superiors, direct reports and active subtree size, whoever looks."""

import pytest
from django.db.models import Case, Count, Q, Subquery, When

from teams.models import OrgUnit, User
from teams.selectors import _line, people_around
from tests.factories import ManagerFactory, UserFactory

pytestmark = pytest.mark.django_db


def the_orm_way(user):
    """people_around as it was written with Q, Case, When and Subquery objects."""
    subtree = (user.subordinates().filter(is_active=True).order_by().values("is_active")
               .annotate(size=Count("pk")).values("size")[:1])
    around = Q(pk__in=user.superiors().values("pk")) | Q(pk=user.pk) | Q(manager=user, is_active=True)
    people = list(User.objects.filter(around).select_related("org_unit").order_by("username")
                  .annotate(subtree_size=Case(When(pk=user.pk, then=Subquery(subtree)))))
    by_id = {person.pk: person for person in people}
    me = by_id.pop(user.pk, None)
    direct_reports = [person for person in people if person.manager_id == user.pk and person.is_active]
    return _line(user, by_id), direct_reports, (me.subtree_size or 0) if me is not None else 0


def test_people_around_reads_what_the_orm_query_read():
    unit = OrgUnit.objects.create(name="华东区", kind="region")
    head = ManagerFactory(username="head")
    middle = ManagerFactory(username="middle", manager=head, org_unit=unit)
    gone_boss = ManagerFactory(username="gone-boss", manager=middle, is_active=False)  # inactive, with reports
    lead = ManagerFactory(username="lead", manager=middle, org_unit=unit)
    below_gone = UserFactory(username="below-gone", manager=gone_boss)
    UserFactory(username="below-gone-inactive", manager=gone_boss, is_active=False)
    for name in ("c", "a", "b"):
        UserFactory(username=f"rep-{name}", manager=lead, org_unit=unit)
    UserFactory(username="rep-inactive", manager=lead, is_active=False)
    loner = UserFactory(username="loner")
    everyone = [head, middle, gone_boss, lead, below_gone, loner, *User.objects.filter(username__startswith="rep-")]
    for person in everyone:
        person = User.objects.get(pk=person.pk)
        superiors, reports, size = people_around(user=person)
        old_superiors, old_reports, old_size = the_orm_way(person)
        assert [p.pk for p in superiors] == [p.pk for p in old_superiors]
        assert [(p.pk, p.org_unit_id, p.org_unit and p.org_unit.name) for p in reports] == [
            (p.pk, p.org_unit_id, p.org_unit and p.org_unit.name) for p in old_reports]
        assert size == old_size
    assert people_around(user=User.objects.get(pk=middle.pk))[2] == 5  # the active ones: lead, below-gone, three reps
    assert [p.username for p in people_around(user=User.objects.get(pk=lead.pk))[1]] == ["rep-a", "rep-b", "rep-c"]
    assert [p.username for p in people_around(user=User.objects.get(pk=below_gone.pk))[0]] == [
        "gone-boss", "middle", "head"]


def test_people_around_reads_the_visible_owners_for_the_rest_of_the_request(django_assert_num_queries):
    """Within a GET request, the card's query also reads the list every other card's visible_to asks for: the same
    ids in the same order, with no query of their own (on PostgreSQL; outside a request nothing is kept)."""
    from django.db import connection
    from django.http import HttpResponse
    from django.test import RequestFactory

    from crm.request_memo import RequestMemoMiddleware

    head = ManagerFactory(username="zz-head")
    for name in ("m", "b", "x"):
        below = UserFactory(username=f"below-{name}", manager=head, is_active=name != "x")
        UserFactory(username=f"a-under-{name}", manager=below)
    for person in (head, User.objects.get(username="below-b"), User.objects.get(username="a-under-m")):
        expected = list(User.objects.filter(pk__in=person.visible_owner_ids()).values_list("pk", flat=True))
        seen = []

        def view(request, person=person, seen=seen):
            people_around(user=person)
            queries = 0 if connection.vendor == "postgresql" else 1
            with django_assert_num_queries(queries):
                seen.append(person.visible_owner_id_list())
            return HttpResponse()

        RequestMemoMiddleware(view)(RequestFactory().get("/"))
        assert seen == [expected] and len(expected) >= 1
    admin = UserFactory(username="zz-admin", is_superuser=True)
    RequestMemoMiddleware(lambda request: people_around(user=admin) and HttpResponse())(RequestFactory().get("/"))
    assert admin.visible_owner_id_list() is None
