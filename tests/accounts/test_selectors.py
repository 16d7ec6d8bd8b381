"""Reads shared by the customer pages: scoped by visibility, shaped for the page, cheap."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation
from django.utils.text import capfirst

from accounts import selectors
from accounts.models import (
    AccountPlan,
    Contact,
    Customer,
    CustomerIntake,
    EnrichmentProposal,
    ProposalStatus,
    Tier,
)
from accounts.services import customer_enrich, customer_intake, customer_update
from tests.factories import ContactFactory, CustomerFactory, make_credit_code

pytestmark = pytest.mark.django_db


def test_customer_list_is_scoped_and_filtered(owner, teammate, manager, outsider):
    mine = CustomerFactory(name="上海申江精密机械有限公司", owner=owner, phone="021-51445949",
                           credit_code=make_credit_code(3))
    theirs = CustomerFactory(name="上海宏达建设工程有限公司", owner=teammate, tier=Tier.KEY)
    loose = CustomerFactory(name="无主客户", owner=None)
    CustomerFactory(name="外部客户", owner=outsider)
    assert set(selectors.customer_list(viewer=owner)) == {mine}
    assert set(selectors.customer_list(viewer=manager)) == {mine, theirs, loose}
    assert list(selectors.customer_list(viewer=manager, filters={"q": "申江"})) == [mine]
    assert list(selectors.customer_list(viewer=manager, filters={"q": "申江精密机械股份有限公司"})) == [mine]
    assert list(selectors.customer_list(viewer=manager, filters={"q": "51445949"})) == [mine]
    assert list(selectors.customer_list(viewer=manager, filters={"q": mine.credit_code[-6:].lower()})) == [mine]
    assert list(selectors.customer_list(viewer=manager, filters={"unassigned": True})) == [loose]
    assert selectors.customer_list(viewer=manager, filters={"sort": "tier"}).first() == theirs
    assert list(selectors.customer_list(viewer=AnonymousUser())) == []


def test_filter_choices_come_from_visible_customers_only(owner, outsider):
    CustomerFactory(owner=owner, province="浙江", industry="制造业")
    CustomerFactory(owner=outsider, province="西藏", industry="旅游")
    choices = selectors.customer_filter_choices(viewer=owner)
    assert choices == {"provinces": ["浙江"], "industries": ["制造业"]}
    assert set(selectors.visible_people(viewer=owner)) == {owner}


def test_assignable_people_for_manager_and_account_manager(owner, teammate, manager, outsider):
    CustomerFactory.create_batch(2, owner=teammate)
    people = {person: person.customer_count for person in selectors.assignable_people(viewer=manager)}
    assert people == {manager: 0, owner: 0, teammate: 2}
    assert list(selectors.assignable_people(viewer=owner)) == [owner]


def test_contact_tree_follows_reports_to_and_survives_a_cycle(owner):
    customer = CustomerFactory(owner=owner)
    boss = ContactFactory(customer=customer, name="总经理甲")
    cto = ContactFactory(customer=customer, name="技术副总乙", reports_to=boss)
    ContactFactory(customer=customer, name="工程师丙", reports_to=cto)
    loner = ContactFactory(customer=customer, name="顾问丁")
    # A cycle slipped into the data (e.g. by a raw edit): nobody is lost, nobody shown twice.
    left = ContactFactory(customer=customer, name="环甲")
    right = ContactFactory(customer=customer, name="环乙", reports_to=left)
    Contact.objects.filter(pk=left.pk).update(reports_to=right)
    tree = selectors.contact_tree(selectors.customer_contacts(customer=customer))

    def walk(nodes):
        for node in nodes:
            yield node.contact.name, node.depth
            yield from walk(node.children)

    shown = list(walk(tree))
    assert ("总经理甲", 0) in shown and ("技术副总乙", 1) in shown and ("工程师丙", 2) in shown
    assert (loner.name, 0) in shown
    assert sorted(name for name, _depth in shown) == sorted(Contact.objects.values_list("name", flat=True))


def test_history_names_people_and_values(owner, manager):
    customer = CustomerFactory(owner=owner, phone="021-1")
    customer = customer_update(customer=customer, data={"phone": "021-2"}, by=owner)
    customer.owner = manager
    customer.save()
    history = selectors.customer_history(customer=Customer.objects.get(pk=customer.pk))
    changes = [change for entry in history["entries"] for change in entry.changes]
    phone = capfirst(str(Customer._meta.get_field("phone").verbose_name))
    assert [(old, new) for label, old, new in changes if label == phone] == [("021-1", "021-2")]
    owner_change = next(c for c in changes if c.new == str(manager))
    assert owner_change.old == str(owner)
    assert history["entries"][-1].kind == "created"


def test_export_rows_defuse_formulas_and_translate_choices(owner):
    CustomerFactory(name="+cmd|' /C calc'!A0", owner=owner, tier=Tier.KEY, source="campaign")
    header, row = list(selectors.customer_export_rows(selectors.customer_list(viewer=owner)))
    assert len(header) == len(selectors.EXPORT_COLUMNS)
    assert row[0] == "'+cmd|' /C calc'!A0"
    assert row[header.index(str(Customer._meta.get_field("owner").verbose_name))] == str(owner)
    assert row[selectors.EXPORT_COLUMNS.index("tier")] == Tier.KEY.label


def test_relatives_hide_other_teams_subsidiaries(owner, teammate):
    group = CustomerFactory(owner=owner)
    mine = CustomerFactory(owner=owner, parent=group)
    CustomerFactory(owner=teammate, parent=group)
    relatives = selectors.customer_relatives(viewer=owner, customer=group)
    assert [item["customer"] for item in relatives["subsidiaries"]] == [mine]
    assert relatives["hidden_subsidiaries"] == 1
    assert selectors.customer_relatives(viewer=owner, customer=mine)["parent_visible"] is True


def test_customer_counts_are_the_tab_badges_in_one_query(owner, teammate, django_assert_num_queries):
    group, other = CustomerFactory(owner=owner), CustomerFactory(owner=owner)
    CustomerFactory(owner=owner, parent=group)
    CustomerFactory(owner=teammate, parent=group)
    CustomerFactory(owner=owner, parent=other)
    ContactFactory.create_batch(3, customer=group)
    ContactFactory(customer=other)
    AccountPlan.objects.create(customer=group, year=2025)
    AccountPlan.objects.create(customer=group, year=2026)
    for status in (ProposalStatus.PENDING, ProposalStatus.PENDING, "accepted"):
        EnrichmentProposal.objects.create(customer=group, field="phone", current_value="", proposed_value="1",
                                          source="service", status=status)
    CustomerIntake.objects.create(source="manual", raw_data={}, name="x", customer=group)
    with django_assert_num_queries(1):
        counts = selectors.customer_counts(customer=group)
    assert counts == {"contacts": 3, "plans": 2, "proposals": 2, "intakes": 1, "subsidiaries": 2}
    assert selectors.customer_counts(customer=CustomerFactory(owner=owner)) == {
        "contacts": 0, "plans": 0, "proposals": 0, "intakes": 0, "subsidiaries": 0}
    relatives = selectors.customer_relatives(viewer=owner, customer=group, subsidiaries_total=counts["subsidiaries"])
    assert relatives == selectors.customer_relatives(viewer=owner, customer=group)


def test_queues_and_workbench_panel(owner, teammate, manager):
    mine = CustomerFactory(name="江苏恒瑞医药股份有限公司", owner=owner, phone="025-1", tier=Tier.KEY)
    CustomerFactory(name="无主客户", owner=None)
    intake = customer_intake(source="channel", data={"name": "江苏恒瑞医药科技有限公司"}, by=owner).intake
    customer_enrich(customer=mine, data={"phone": "025-2"}, source="service")
    assert list(selectors.review_queue(viewer=owner)) == [intake]
    assert list(selectors.review_queue(viewer=teammate)) == []
    assert list(selectors.review_candidates(viewer=owner, intakes=[intake])) == [mine.pk]
    assert selectors.review_candidates(viewer=teammate, intakes=[intake]) == {}
    assert selectors.unassigned_queue(viewer=owner).count() == 0
    assert selectors.unassigned_queue(viewer=manager).count() == 1
    assert selectors.enrichment_reviews(viewer=teammate).count() == 0
    panel = selectors.workbench_panel(owner)
    assert panel["template"] == "accounts/_workbench.html"
    assert (panel["my_customers"].count, panel["key_customers"].count, panel["pending_reviews"],
            panel["pending_proposals"], panel["unassigned"], panel["team_customers"]) == (1, 1, 1, 1, None, None)
    panel = selectors.workbench_panel(manager)
    assert (panel["my_customers"].count, panel["unassigned"].count, panel["team_customers"].count) == (0, 1, 2)
    assert selectors.workbench_panel(AnonymousUser()) is None


def test_the_workbench_card_counts_exactly_up_to_its_own_limit_then_says_so(owner, monkeypatch):
    from crm.counting_filters import tally

    monkeypatch.setattr(selectors, "WORKBENCH_EXACT_COUNT", 3)
    for _ in range(3):
        CustomerFactory(owner=owner)
    panel = selectors.workbench_panel(owner)
    assert panel["my_customers"].exact and panel["my_customers"].count == 3
    CustomerFactory(owner=owner)
    mine = selectors.workbench_panel(owner)["my_customers"]
    assert not mine.exact and mine.more_than == 3
    # Never a made-up exact figure: "about …" (the planner's estimate, above the card's limit) or "more than 3".
    with translation.override("en"):
        assert tally(mine).startswith("about ") or tally(mine) == "more than 3"
