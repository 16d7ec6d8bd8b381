"""crm.request_memo: within one GET or HEAD request a read is done once; nothing outlives the request, other
methods keep nothing, and a save or delete during the request forgets what was kept."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from crm.request_memo import RequestMemoMiddleware, remembered
from opportunities.models import Opportunity
from tests.factories import OpportunityFactory, UserFactory

pytestmark = pytest.mark.django_db


def run(method, view):
    request = getattr(RequestFactory(), method)("/")
    return RequestMemoMiddleware(view)(request)


def counting():
    reads = []

    def read():
        reads.append(1)
        return len(reads)

    return reads, read


@pytest.mark.parametrize("method", ["get", "head"])
def test_a_read_is_done_once_per_get_request_and_not_kept_after_it(method):
    reads, read = counting()

    def view(request):
        assert remembered("k", read) == remembered("k", read) == len(reads)
        return HttpResponse()

    run(method, view)
    run(method, view)  # a new request reads again
    assert len(reads) == 2
    remembered("k", read)  # outside a request: every time
    assert len(reads) == 3


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_other_methods_keep_nothing(method):
    reads, read = counting()

    def view(request):
        remembered("k", read)
        remembered("k", read)
        return HttpResponse()

    run(method, view)
    assert len(reads) == 2


def test_a_save_during_the_request_forgets_who_sees_what(manager):
    """An opportunity handed to someone else in the same request is seen by the visible_to asked after it."""
    mine = UserFactory(manager=manager)
    other = UserFactory()
    opportunity = OpportunityFactory(primary_owner=other)

    def view(request):
        assert not Opportunity.objects.visible_to(manager).filter(pk=opportunity.pk).exists()
        mine_now = UserFactory(manager=manager)  # a save: the subtree kept above is forgotten
        Opportunity.objects.filter(pk=opportunity.pk).update(primary_owner=mine_now)
        assert Opportunity.objects.visible_to(manager).filter(pk=opportunity.pk).exists()
        assert Opportunity.objects.visible_to(mine).filter(pk=opportunity.pk).exists() is False
        return HttpResponse()

    run("get", view)


def test_a_page_reads_the_visible_owners_once(client, manager, owner):
    """The workbench's cards each ask visible_to; the subtree is read once for all of them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    OpportunityFactory(primary_owner=owner)
    client.force_login(manager)
    client.get("/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    subtree = 'SELECT "teams_user"."id" AS "pk" FROM "teams_user" WHERE "teams_user"."id" IN (WITH RECURSIVE'
    # On PostgreSQL the organisation card's query reads it along with the people around the viewer.
    along = 'SELECT array_agg(seen."id" ORDER BY seen."username")'
    subtree_reads = [query for query in captured.captured_queries
                     if query["sql"].startswith(subtree) or along in query["sql"]]
    assert len(subtree_reads) == 1
