"""The workbench's lists link each line to its record: the links are filled in from one reverse() a card
(crm.links.record_url), the same URLs as `{% url %}` and `get_absolute_url` wrote for each line."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from bids.models import BidProject
from funnel.models import StageEntry
from tests.factories import OpportunityFactory, stage

pytestmark = pytest.mark.django_db


def test_the_tender_deadlines_and_stuck_opportunities_link_to_their_pages(client, owner):
    stuck = [OpportunityFactory(primary_owner=owner, stage=stage("01"), name=f"停滞 <{n}> & co") for n in range(3)]
    for days, opportunity in enumerate(stuck, start=40):
        StageEntry.objects.create(opportunity=opportunity, stage=stage("01"), entered_at=timezone.make_aware(
            datetime.combine(timezone.localdate() - timedelta(days=days), time(9))))
    tenders = [BidProject.objects.create(
        opportunity=OpportunityFactory(primary_owner=owner, stage=stage("05"), name=f"招标 \"{n}\""),
        submission_at=timezone.now() + timedelta(days=n + 1)) for n in range(3)]
    client.force_login(owner)
    html = client.get(reverse("home")).content.decode()
    for opportunity in stuck:
        assert f'<li><a href="{opportunity.get_absolute_url()}">{escape(opportunity.name)}</a> · 01 · ' in html
    for bid in tenders:
        url = reverse("bids:bid-detail", args=[bid.pk])
        assert f'<a class="flex-fill text-truncate" href="{url}">{escape(bid.opportunity.name)}</a>' in html
