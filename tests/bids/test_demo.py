"""bids/demo.py: partners with a rating history (one poor), brands, tender records on a share of the
opportunities from stage 04 on, with lines, agents, competitors and agenda dates; idempotent."""

import io

import pytest

from bids import demo
from bids.models import BidAgendaEntry, BidProject, CompetitorBrand, Partner, PartnerCreditRating
from tests.factories import OpportunityFactory, ProductFactory, stage

pytestmark = pytest.mark.django_db


class Command:
    def __init__(self):
        self.stdout = io.StringIO()

    def progress(self, message):
        self.stdout.write(message + "\n")


def test_without_opportunities_it_says_so(owner):
    command = Command()
    demo.seed(command, 1)
    assert "No opportunities yet" in command.stdout.getvalue()
    assert not BidProject.objects.exists()
    assert Partner.objects.count() == 8  # the directory needs no opportunity


def test_seed_is_believable_and_idempotent(owner):
    from opportunities.models import OpportunityLine

    product = ProductFactory()
    codes = ["04", "05", "06", "07"] * 10
    for number, code in enumerate(codes):
        opportunity = OpportunityFactory(primary_owner=owner, stage=stage(code), name=f"项目{number}")
        OpportunityLine.objects.create(opportunity=opportunity, product=product, quantity=2,
                                       unit_price=product.list_price, discount=0,
                                       amount=product.list_price * 2, position=1)
    OpportunityFactory(primary_owner=owner, stage=stage("08", "lost"))
    OpportunityFactory(primary_owner=owner, stage=stage("01"))
    demo.seed(Command(), 1)

    assert Partner.objects.count() == 8
    poor = Partner.objects.get(credit_rating="poor")
    assert PartnerCreditRating.objects.filter(partner=poor).count() >= 2
    assert {"华为", "新华三", "中兴", "浪潮", "思科"} <= set(CompetitorBrand.objects.values_list("name", flat=True))
    bids = list(BidProject.objects.select_related("opportunity__stage"))
    assert 5 <= len(bids) <= 35
    assert all(b.opportunity.stage.code not in ("01", "02", "03") for b in bids)
    for bid in bids:
        assert bid.lines.count() == bid.opportunity.lines.count()
        assert bid.quote_total == sum(line.quote_amount for line in bid.lines.all())
        assert bid.evaluation is None or sum(bid.evaluation.values()) == 100
        assert bid.bid_agents.count() >= (0 if bid.scheme == "direct" else 1)
    assert BidAgendaEntry.objects.filter(bid__status__in=["preparing", "submitted"]).exists()

    counts = (BidProject.objects.count(), Partner.objects.count(), CompetitorBrand.objects.count(),
              PartnerCreditRating.objects.count(), BidAgendaEntry.objects.count())
    demo.seed(Command(), 1)
    assert counts == (BidProject.objects.count(), Partner.objects.count(), CompetitorBrand.objects.count(),
                      PartnerCreditRating.objects.count(), BidAgendaEntry.objects.count())
