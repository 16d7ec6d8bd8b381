"""The workbench costs a constant number of queries, whoever looks and however much they hold: each card reads
figures, counts and short lists, never one query per record."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ActivityFactory,
    BaselineFactory,
    BidProjectFactory,
    CustomerFactory,
    OpportunityFactory,
    TeamMemberFactory,
)

# What the page costs today (session, user, each card, the top bar): a card that starts reading per record
# breaks the constancy below, one that adds a query breaks this.
QUERIES = {"owner": 20, "manager": 24}


def _hold(owner, teammate, count: int) -> None:
    """`count` more of what the cards show: opportunities with an activity today and a tender deadline, customers,
    and a place on a colleague's sales team."""
    now = timezone.now()
    for _ in range(count):
        opportunity = OpportunityFactory(primary_owner=owner)
        ActivityFactory(opportunity=opportunity, due_at=now)
        BidProjectFactory(opportunity__primary_owner=owner, registration_at=now + timedelta(days=3))
        CustomerFactory(owner=owner)
        TeamMemberFactory(opportunity=OpportunityFactory(primary_owner=teammate), user=owner)


def _queries(client) -> int:
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("who", ["owner", "manager"])
def test_the_workbench_costs_a_constant_number_of_queries(client, request, owner, teammate, manager, who):
    client.force_login(request.getfixturevalue(who))
    BaselineFactory(user=owner)  # a funnel with an expected value: its health reads the thresholds
    _hold(owner, teammate, 1)
    few = _queries(client)
    _hold(owner, teammate, 6)
    assert _queries(client) == few
    assert few <= QUERIES[who]
