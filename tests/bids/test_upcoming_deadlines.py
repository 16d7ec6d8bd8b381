"""The workbench's tender card (bids.selectors.upcoming_deadlines) reads only the tenders that hold the soonest
key dates: the same dates in the same order as reading every tender in the window, whatever their number."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bids.models import BidProject
from bids.selectors import upcoming_deadlines
from tests.bids.conftest import days_ahead
from tests.factories import OpportunityFactory, stage

pytestmark = pytest.mark.django_db


def tender(owner, customer, **dates):
    opportunity = OpportunityFactory(primary_owner=owner, customer=customer, stage=stage("05"))
    return BidProject.objects.create(opportunity=opportunity, **dates)


def every_deadline(viewer, limit):
    """What the card showed before it was bounded: every tender of the window read, then sorted."""
    now = timezone.now()
    until = now + timedelta(days=14)
    found = []
    for bid in BidProject.objects.visible_to(viewer).open():
        for milestone, _label, when in bid.key_dates():
            if when is not None and now <= when <= until:
                found.append((when, bid.pk, milestone))
    return sorted(found)[:limit]


def test_the_soonest_dates_come_from_the_first_tenders_whatever_their_number(owner, customer, manager):
    # Tenders whose dates interleave: a late submission with an early opening, dates outside the window, and one
    # tender with three dates in it.
    for day in (13, 2, 9, 5, 11, 1, 7, 3, 12, 6, 4, 8):
        tender(owner, customer, submission_at=days_ahead(day), opening_at=days_ahead(day + 20),
               registration_at=days_ahead(-3))
    tender(owner, customer, registration_at=days_ahead(2, hour=8), clarification_at=days_ahead(3, hour=8),
           submission_at=days_ahead(30), opening_at=days_ahead(4, hour=8))
    tender(owner, customer, submission_at=days_ahead(20))  # outside the window: never shown
    for limit in (1, 5, 10, 30):
        shown = [(d.when, d.bid.pk, d.milestone) for d in upcoming_deadlines(viewer=manager, limit=limit)]
        assert shown == every_deadline(manager, limit)
    assert len(upcoming_deadlines(viewer=manager, limit=30)) == 15


def test_the_card_reads_at_most_its_limit_of_tenders(owner, customer, manager):
    for day in range(1, 13):
        tender(owner, customer, submission_at=days_ahead(day))
    with CaptureQueriesContext(connection) as queries:
        deadlines = upcoming_deadlines(viewer=manager, limit=4)
    assert [d.when for d in deadlines] == sorted(d.when for d in deadlines) and len(deadlines) == 4
    tender_query = [q["sql"] for q in queries.captured_queries if "bids_bidproject" in q["sql"]]
    assert len(tender_query) == 1 and "LIMIT 4" in tender_query[0]
