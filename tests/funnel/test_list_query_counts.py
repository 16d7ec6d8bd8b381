"""The funnel's other lists (the stuck page, the stage history, the baselines and the stages) cost the same
number of queries at any length."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from funnel import services
from funnel.models import StageEntry
from tests.factories import OpportunityFactory, UserFactory, stage

pytestmark = pytest.mark.django_db


def _aware(days_ago: int) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=days_ago), time(9)))


@pytest.mark.parametrize("size", [2, 15])
def test_the_stuck_page(client, owner, manager, director, size, django_assert_max_num_queries):
    for index in range(size):
        person = owner if index % 2 else UserFactory(username=f"am{index}", manager=manager, org_unit=owner.org_unit)
        opportunity = OpportunityFactory(primary_owner=person, stage=stage("01"), name=f"卡住{index:02d}")
        StageEntry.objects.create(opportunity=opportunity, stage=opportunity.stage, entered_at=_aware(40 + index))
    client.force_login(director)
    with django_assert_max_num_queries(10):
        response = client.get("/funnel/stuck/", {"org_unit": owner.org_unit.pk})
    assert response.status_code == 200 and response.context["page"].paginator.count == size


@pytest.mark.parametrize("size", [1, 8])
def test_the_stage_history(api_as, owner, opportunity, size, django_assert_max_num_queries):
    start = opportunity.stage.code
    for index in range(size):
        # To 02 and back again: both are moves the owner may make, each one a history row.
        services.opportunity_move(opportunity=opportunity, stage_code="02" if index % 2 == 0 else start, by=owner)
    client = api_as(owner)
    with django_assert_max_num_queries(6):
        response = client.get(f"/api/v1/opportunities/{opportunity.pk}/stage-changes/")
    assert response.status_code == 200 and len(response.json()["results"]) == size


@pytest.mark.parametrize("size", [1, 10])
def test_the_baselines_list(api_as, manager, team, director, size, django_assert_max_num_queries):
    people = [UserFactory(username=f"bl{index}", manager=manager, org_unit=team) for index in range(size)]
    for person in people:
        for code in ("01", "02"):
            services.baseline_set_manual(by=manager, stage=stage(code), user=person, org_unit=None,
                                         expected_count="2", expected_amount="100.00")
    client = api_as(manager)
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/funnel/baselines/", {"page_size": 100})
    assert response.status_code == 200 and response.json()["count"] == 2 * size
