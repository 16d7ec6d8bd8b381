"""Every change is kept (django-simple-history): the record, its lines, agents and competitors, partners,
their contacts and credit standing, the brands; the tender page's timeline shows them."""

import pytest
from django.utils import timezone, translation

from bids import selectors, services
from bids.models import (
    BidAgent,
    BidCompetitor,
    BidLine,
    BidProject,
    CompetitorBrand,
    PartnerContact,
    PartnerCreditRating,
)
from tests.bids.conftest import a_line

pytestmark = pytest.mark.django_db


def test_every_change_of_a_tender_is_kept_with_who_made_it(bid, owner, presales, partner):
    services.bid_update(bid=bid, by=presales, data={"relationship": "over_80", "tender_type": "negotiated"})
    line = services.bid_line_add(bid=bid, by=owner, data=a_line(configuration="存储扩容 200TB"))
    services.bid_line_update(line=line, by=owner, data={"quote": "90000"})
    line_id = line.pk
    services.bid_line_remove(line=line, by=owner)
    services.bid_update(bid=bid, by=owner, data={"scheme": "joint_multi_scheme"})
    services.bid_agent_set(bid=bid, by=owner, partner=partner, scheme="方案 A", quote="1000")
    services.bid_agent_set(bid=bid, by=owner, partner=partner, scheme="方案 A2", quote="990")
    services.bid_agent_remove(bid=bid, by=owner, partner=partner)
    services.bid_competitor_set(bid=bid, by=owner, brand="华为", known_price="330000")
    services.bid_competitor_remove(bid=bid, by=owner, brand=CompetitorBrand.objects.get(name="华为"))

    records = list(bid.history.order_by("history_date", "history_id"))
    assert [r.history_type for r in records][:2] == ["+", "~"]
    assert records[1].history_user == presales and records[1].relationship == "over_80"
    assert list(BidLine.history.filter(id=line_id).order_by("history_id").values_list("history_type", flat=True)) \
        == ["+", "~", "-"]
    assert BidLine.history.filter(id=line_id, history_type="-").get().history_user == owner
    assert BidAgent.history.filter(bid_id=bid.pk).count() == 3
    assert BidCompetitor.history.filter(bid_id=bid.pk).count() == 2

    with translation.override("en"):
        timeline = selectors.bid_timeline(bid=bid)
    kinds = {entry.kind for entry in timeline}
    assert kinds == {"record", "line", "agent", "competitor"}
    changed = next(e for e in timeline if e.kind == "record" and any(c[0] == "Customer relationship degree"
                                                                     for c in e.changes))
    assert changed.who == presales
    with translation.override("en"):
        assert ("Customer relationship degree", "Fairly solid, considerable control (> 60%)",
                "Very solid, absolute control (> 80%)") \
            in [(str(label), str(old), str(new)) for label, old, new in changed.changes]
    assert timeline[0].when >= timeline[-1].when  # newest first


def test_the_outcome_is_in_the_history(bid, owner):
    services.bid_record_outcome(bid=bid, outcome="lost", by=owner, winning_brand="华为", reason="价格劣势")
    last = bid.history.order_by("-history_date", "-history_id").first()
    assert (last.status, last.winning_brand, last.history_user, last.history_change_reason) == (
        "lost", "华为", owner, "价格劣势")


def test_partner_contact_and_brand_changes_are_kept(partner, manager):
    services.partner_save(partner=partner, by=manager, data={"region": "华南", "status": "suspended"})
    assert partner.history.order_by("-history_id").first().history_user == manager
    contact = services.partner_contact_add(partner=partner, by=manager, data={"name": "钱志刚", "phone": "021-1"})
    contact_id = contact.pk
    services.partner_contact_remove(contact=contact, by=manager)
    assert list(PartnerContact.history.filter(id=contact_id).order_by("history_id")
                .values_list("history_type", flat=True)) == ["+", "-"]
    services.partner_rate_credit(partner=partner, by=manager, rating="fair", rated_on=timezone.localdate(),
                                 source="年度评审")
    assert PartnerCreditRating.objects.filter(partner=partner).count() == 1
    assert partner.history.order_by("-history_id").first().credit_rating == "fair"
    brand = services.competitor_brand_save(brand=CompetitorBrand(), by=manager, data={"name": "思科"})
    services.competitor_brand_save(brand=brand, by=manager, data={"threat_level": "low"})
    assert brand.history.count() == 2


@pytest.mark.parametrize(("language", "words"), [
    ("zh-hans", {"changed": "修改投标记录", "relationship": "客户关系度", "line changed": "修改明细",
                 "quote": "我方报价", "line added": "添加明细", "quantity": "数量"}),
    ("en", {"changed": "Tender record changed", "relationship": "Customer relationship degree",
            "line changed": "Line changed", "quote": "Our quote", "line added": "Line added", "quantity": "Quantity"}),
])
def test_the_tender_page_history_reads_in_the_readers_language(client, bid, owner, language, words):
    """One row per change on the tender page, labels, choice labels and money as people read them."""
    from django.urls import reverse

    from tests.history import history_rows

    services.bid_update(bid=bid, by=owner, data={"relationship": "over_80"})
    line = services.bid_line_add(bid=bid, by=owner, data=a_line(configuration="存储扩容 200TB"))
    services.bid_line_update(line=line, by=owner, data={"quote": "90000"})
    owner.language = language
    owner.save(update_fields=["language"])
    client.force_login(owner)
    rows = history_rows(client.get(reverse("bids:bid-detail", args=[bid.pk])).content.decode())
    with translation.override(language):
        over_80 = dict(BidProject._meta.get_field("relationship").flatchoices)["over_80"]
        before = dict(BidProject._meta.get_field("relationship").flatchoices)[bid.history.earliest().relationship]
        over_80, before = str(over_80), str(before)
    assert rows[0] == {"kind": "line", "title": f'{words["line changed"]}: 存储扩容 200TB', "values": [],
                       "changes": [(words["quote"], "86,000.00", "90,000.00")]}
    assert rows[1]["title"] == f'{words["line added"]}: 存储扩容 200TB'
    assert (words["quantity"], "4.00") in rows[1]["values"]
    assert rows[2] == {"kind": "record", "title": words["changed"], "values": [],
                       "changes": [(words["relationship"], before, over_80)]}
