"""The customer rules: intake outcomes, assignment rules, enrichment, review, tiers, merge, plans."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import (
    AccountPlan,
    ClassificationRule,
    Contact,
    Customer,
    CustomerIntake,
    CustomerMerge,
    EnrichmentProposal,
    IntakeStatus,
    PlanStatus,
    ProposalStatus,
    Tier,
    TierChange,
)
from crm.errors import ConflictError, DomainError, PermissionDenied
from teams.models import AssignmentRule, AssignmentStrategy, Notification, Territory
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    ManagerFactory,
    OrgUnitFactory,
    UserFactory,
    make_credit_code,
)

pytestmark = pytest.mark.django_db


# --- Input ---------------------------------------------------------------------------------

def test_clean_data_names_each_bad_field():
    with pytest.raises(ValidationError) as excinfo:
        services.customer_clean_data({"name": " ", "credit_code": "123", "email": "nope", "employees": "many",
                                      "annual_revenue": "-5"})
    assert set(excinfo.value.message_dict) == {"name", "credit_code", "email", "employees", "annual_revenue"}


def test_clean_data_normalises():
    code = make_credit_code(7)
    cleaned = services.customer_clean_data({"name": "  华远  科技 ", "credit_code": code.lower(),
                                            "employees": "1,200", "annual_revenue": "12,345.678"})
    assert cleaned["name"] == "华远 科技"
    assert cleaned["credit_code"] == code
    assert cleaned["employees"] == 1200
    assert cleaned["annual_revenue"] == Decimal("12345.68")


# --- Intake --------------------------------------------------------------------------------

def test_intake_creates_assigns_and_notifies(owner, manager):
    AssignmentRule.objects.create(name="上海", order=1, provinces=["上海"], strategy=AssignmentStrategy.USER,
                                  user=owner)
    result = services.customer_intake(source="campaign", data={"name": "新客户科技有限公司", "province": "上海"},
                                      by=manager)
    assert result.outcome == "created"
    assert result.customer.owner == owner
    assert result.customer.source == "campaign"
    assert result.intake.raw_data["province"] == "上海"
    assert Notification.objects.filter(recipient=owner, kind="customer_assigned").count() == 1


def test_intake_by_account_manager_without_rule_keeps_it(owner):
    result = services.customer_intake(source="manual", data={"name": "自己的客户"}, by=owner)
    assert result.customer.owner == owner
    assert not Notification.objects.filter(recipient=owner).exists()  # nobody to tell: they did it


def test_intake_without_rule_by_manager_goes_to_unassigned_queue(manager):
    result = services.customer_intake(source="purchased", data={"name": "无人认领公司"}, by=manager)
    assert result.customer.owner is None


def test_intake_sure_match_links_and_enriches(owner):
    existing = CustomerFactory(name="华远智能科技有限公司", owner=owner, phone="", city="上海")
    result = services.customer_intake(
        source="service", data={"name": "华远智能科技股份有限公司", "city": "上海", "phone": "021-68881234"}, by=owner
    )
    assert result.outcome == "matched"
    assert result.customer == existing
    existing.refresh_from_db()
    assert existing.phone == "021-68881234"  # an empty field is filled
    assert Customer.objects.count() == 1


def test_intake_probable_match_waits_for_review(owner):
    CustomerFactory(name="江苏恒瑞医药股份有限公司", owner=owner, city="")
    result = services.customer_intake(source="channel", data={"name": "江苏恒瑞医药科技有限公司"}, by=owner)
    assert result.outcome == "review"
    assert result.customer is None
    assert result.intake.status == IntakeStatus.PENDING_REVIEW
    assert result.intake.candidates[0]["reasons"]
    assert Customer.objects.count() == 1


def test_intake_refuses_bad_input_and_writes_nothing(owner):
    with pytest.raises(ValidationError):
        services.customer_intake(source="manual", data={"name": "x", "credit_code": "bad"}, by=owner)
    with pytest.raises(ValidationError):
        services.customer_intake(source="fax", data={"name": "x"}, by=owner)
    assert not CustomerIntake.objects.exists()
    assert not Customer.objects.exists()


def test_account_manager_cannot_give_customer_to_someone_else(owner, teammate):
    with pytest.raises(PermissionDenied):
        services.customer_intake(source="manual", data={"name": "x公司"}, by=owner, owner=teammate)


def test_manager_names_owner_in_subtree_only(manager, owner, outsider):
    result = services.customer_intake(source="manual", data={"name": "给张伟的"}, by=manager, owner=owner)
    assert result.customer.owner == owner
    with pytest.raises(PermissionDenied):
        services.customer_intake(source="manual", data={"name": "给外人的"}, by=manager, owner=outsider)


def test_create_refuses_probable_duplicate(owner):
    CustomerFactory(name="宏达电子有限公司", city="苏州")
    with pytest.raises(services.DuplicateCustomer) as excinfo:
        services.customer_create(data={"name": "宏达电子", "city": "苏州"}, source="manual", by=owner)
    assert excinfo.value.candidates[0].score >= 90
    assert Customer.objects.count() == 1


# --- Assignment ----------------------------------------------------------------------------

@pytest.fixture
def sales_team():
    team = OrgUnitFactory(name="华东大客户组")
    boss = ManagerFactory(org_unit=team)
    people = [UserFactory(username=f"am{i}", org_unit=team, manager=boss) for i in range(3)]
    return team, people


def test_rules_tried_in_order_first_match_wins(owner, teammate):
    AssignmentRule.objects.create(name="second", order=20, strategy=AssignmentStrategy.USER, user=teammate)
    AssignmentRule.objects.create(name="first", order=10, industries=["能源"], strategy=AssignmentStrategy.USER,
                                  user=owner)
    energy = CustomerFactory(industry="能源")
    other = CustomerFactory(industry="金融")
    assert services.customer_pick_owner(customer=energy) == owner
    assert services.customer_pick_owner(customer=other) == teammate


def test_inactive_rules_and_people_are_skipped(owner, teammate):
    AssignmentRule.objects.create(name="off", order=1, active=False, strategy=AssignmentStrategy.USER, user=owner)
    gone = UserFactory(is_active=False)
    AssignmentRule.objects.create(name="gone", order=2, strategy=AssignmentStrategy.USER, user=gone)
    AssignmentRule.objects.create(name="on", order=3, strategy=AssignmentStrategy.USER, user=teammate)
    assert services.customer_pick_owner(customer=CustomerFactory()) == teammate


@pytest.mark.parametrize(
    ("rule_fields", "customer_fields", "matches"),
    [
        ({"provinces": ["广东"]}, {"province": "广东"}, True),
        ({"provinces": ["广东"]}, {"province": "上海"}, False),
        ({"cities": ["深圳", "广州"]}, {"city": "广州"}, True),
        ({"sources": ["purchased"]}, {"source": "campaign"}, False),
        ({"min_employees": 500}, {"employees": 500}, True),
        ({"min_employees": 500}, {"employees": 499}, False),
        ({"min_employees": 500}, {"employees": None}, False),
        ({"max_employees": 100}, {"employees": 100}, True),
        ({"min_annual_revenue": Decimal("1000000.00")}, {"annual_revenue": Decimal("999999.99")}, False),
        ({"industries": ["ＩＴ"]}, {"industry": "it"}, True),
    ],
)
def test_rule_conditions(rule_fields, customer_fields, matches, owner):
    rule = AssignmentRule(name="r", strategy=AssignmentStrategy.USER, user=owner, **rule_fields)
    customer = CustomerFactory.build(**customer_fields)
    assert services.assignment_rule_matches(rule, customer) is matches


def test_round_robin_within_team(sales_team):
    team, people = sales_team
    AssignmentRule.objects.create(name="rr", order=1, strategy=AssignmentStrategy.ROUND_ROBIN, org_unit=team)
    owners = [services.customer_pick_owner(customer=CustomerFactory()) for _ in range(5)]
    assert owners == [people[0], people[1], people[2], people[0], people[1]]


def test_fewest_customers_within_territory(sales_team):
    _, people = sales_team
    territory = Territory.objects.create(name="华东")
    territory.members.set(people)
    CustomerFactory.create_batch(2, owner=people[0])
    CustomerFactory.create_batch(1, owner=people[2])
    AssignmentRule.objects.create(name="few", order=1, strategy=AssignmentStrategy.FEWEST_CUSTOMERS,
                                  territory=territory)
    assert services.customer_pick_owner(customer=CustomerFactory()) == people[1]


def test_rule_validation():
    rule = AssignmentRule(name="bad", strategy=AssignmentStrategy.ROUND_ROBIN)
    with pytest.raises(ValidationError):
        rule.full_clean()


def test_assign_from_unassigned_queue(manager, owner, teammate):
    customer = CustomerFactory(owner=None)
    with pytest.raises(PermissionDenied):
        services.customer_assign(customer=customer, owner=owner, by=teammate)
    services.customer_assign(customer=customer, owner=owner, by=manager)
    customer.refresh_from_db()
    assert customer.owner == owner
    assert Notification.objects.filter(recipient=owner).exists()


def test_only_active_sales_people_own_customers(manager, owner):
    """An administrator could give a customer to another administrator (or to someone who has left) through the
    API: they carry no customers and would hide it from every sales list."""
    from tests.factories import AdminFactory

    admin, other_admin = AdminFactory(username="a1"), AdminFactory(username="a2")
    gone = UserFactory(username="gone", manager=manager, is_active=False)
    customer = CustomerFactory(owner=None)
    for not_a_seller in (other_admin, gone):
        with pytest.raises(DomainError) as refused:
            services.customer_assign(customer=customer, owner=not_a_seller, by=admin)
        assert refused.value.field == "owner"
    assert services.customer_assign(customer=customer, owner=owner, by=admin).owner == owner


# --- Enrichment ----------------------------------------------------------------------------

def test_enrichment_fills_empty_and_proposes_conflicts(owner):
    customer = CustomerFactory(owner=owner, phone="021-1111 2222", website="", industry="制造业")
    result = services.customer_enrich(customer=customer, source="purchased", data={
        "phone": "+86 21 1111 2222",  # the same number written differently: no conflict
        "website": "huayuan.cn", "industry": "能源",
    })
    assert result == {"filled": ["website"], "proposed": ["industry"]}
    customer.refresh_from_db()
    assert customer.industry == "制造业"  # never silently overwritten
    proposal = EnrichmentProposal.objects.get()
    assert (proposal.current_value, proposal.proposed_value, proposal.source) == ("制造业", "能源", "purchased")
    # The same conflicting value again does not pile up.
    services.customer_enrich(customer=customer, source="campaign", data={"industry": "能源"})
    assert EnrichmentProposal.objects.count() == 1
    assert Notification.objects.filter(recipient=owner, kind="enrichment_review").exists()


def test_accepting_and_rejecting_is_kept(owner, teammate, manager):
    customer = CustomerFactory(owner=owner, industry="制造业", city="上海")
    services.customer_enrich(customer=customer, source="service", data={"industry": "能源", "city": "苏州"})
    industry = EnrichmentProposal.objects.get(field="industry")
    city = EnrichmentProposal.objects.get(field="city")
    with pytest.raises(PermissionDenied):
        services.enrichment_decide(proposal=industry, accept=True, by=teammate)
    services.enrichment_decide(proposal=industry, accept=True, by=owner)
    services.enrichment_decide(proposal=city, accept=False, by=manager)
    customer.refresh_from_db()
    assert (customer.industry, customer.city) == ("能源", "上海")
    industry.refresh_from_db()
    city.refresh_from_db()
    assert (industry.status, industry.decided_by) == (ProposalStatus.ACCEPTED, owner)
    assert (city.status, city.decided_by) == (ProposalStatus.REJECTED, manager)
    assert customer.history.filter(industry="能源").exists()
    with pytest.raises(ConflictError):
        services.enrichment_decide(proposal=city, accept=True, by=owner)


# --- Review queue --------------------------------------------------------------------------

@pytest.fixture
def pending(owner):
    existing = CustomerFactory(name="江苏恒瑞医药股份有限公司", owner=owner, city="", industry="医疗")
    result = services.customer_intake(source="channel", data={"name": "江苏恒瑞医药科技有限公司", "industry": "制药",
                                                               "phone": "0518-1234567"}, by=owner)
    return existing, result.intake


def test_resolve_link_enriches_without_overwriting(pending, owner):
    existing, intake = pending
    services.intake_resolve(intake=intake, resolution="linked", customer=existing, by=owner)
    existing.refresh_from_db()
    assert existing.phone == "0518-1234567"
    assert existing.industry == "医疗"
    assert EnrichmentProposal.objects.filter(field="industry", proposed_value="制药").exists()
    intake.refresh_from_db()
    assert (intake.status, intake.customer, intake.resolved_by) == (IntakeStatus.RESOLVED, existing, owner)


def test_resolve_merge_takes_the_new_values(pending, manager):
    existing, intake = pending
    services.intake_resolve(intake=intake, resolution="merged", customer=existing, by=manager)
    existing.refresh_from_db()
    assert existing.industry == "制药"


def test_resolve_create_and_only_once(pending, owner, outsider):
    _, intake = pending
    with pytest.raises(PermissionDenied):
        services.intake_resolve(intake=intake, resolution="created", by=outsider)
    services.intake_resolve(intake=intake, resolution="created", by=owner)
    assert Customer.objects.count() == 2
    with pytest.raises(ConflictError):
        services.intake_resolve(intake=intake, resolution="created", by=owner)


# --- Classification ------------------------------------------------------------------------

def test_default_rules_suggest_tiers():
    big = CustomerFactory(employees=5000, annual_revenue=Decimal("2000000000"), industry="能源")
    small = CustomerFactory(employees=20, industry="餐饮")
    services.customer_classify(customer=big)
    services.customer_classify(customer=small)
    big.refresh_from_db()
    small.refresh_from_db()
    assert (big.tier_score, big.tier) == (30 + 15 + 40 + 20 + 15, Tier.KEY)
    assert (small.tier_score, small.tier) == (0, Tier.LOW)
    assert TierChange.objects.filter(customer=big, new_tier=Tier.KEY, changed_by=None).exists()


def test_score_boundary_at_threshold():
    ClassificationRule.objects.all().delete()
    ClassificationRule.objects.create(name="big", criterion="employees", threshold=Decimal("100"), points=35)
    at = CustomerFactory(employees=100)
    below = CustomerFactory(employees=99)
    services.customer_classify(customer=at)
    services.customer_classify(customer=below)
    at.refresh_from_db()
    below.refresh_from_db()
    assert at.tier == Tier.HIGH_POTENTIAL  # 35 reaches the high-potential threshold exactly
    assert below.tier == Tier.LOW


def test_override_needs_reason_and_sticks(owner, teammate):
    customer = CustomerFactory(owner=owner, employees=20, industry="餐饮")
    services.customer_classify(customer=customer)
    with pytest.raises(DomainError):
        services.customer_override_tier(customer=customer, tier=Tier.KEY, reason=" ", by=owner)
    with pytest.raises(PermissionDenied):
        services.customer_override_tier(customer=customer, tier=Tier.KEY, reason="战略客户", by=teammate)
    services.customer_override_tier(customer=customer, tier=Tier.KEY, reason="集团战略客户", by=owner)
    customer.refresh_from_db()
    services.customer_classify(customer=customer)  # the rules still suggest, but do not change it
    customer.refresh_from_db()
    assert (customer.tier, customer.tier_suggested, customer.tier_overridden) == (Tier.KEY, Tier.LOW, True)
    change = TierChange.objects.filter(customer=customer).first()
    assert (change.reason, change.changed_by, change.new_tier) == ("集团战略客户", owner, Tier.KEY)
    services.customer_clear_tier_override(customer=customer, by=owner)
    customer.refresh_from_db()
    assert customer.tier == Tier.LOW


# --- Hierarchy and merge -------------------------------------------------------------------

def test_group_hierarchy_refuses_cycles(owner):
    group = CustomerFactory(owner=owner)
    child = CustomerFactory(owner=owner, parent=group)
    grandchild = CustomerFactory(owner=owner, parent=child)
    with pytest.raises(ValidationError):
        services.customer_update(customer=group, data={}, by=owner, parent=grandchild, set_parent=True)
    with pytest.raises(ValidationError):
        services.customer_update(customer=group, data={}, by=owner, parent=group, set_parent=True)
    group.refresh_from_db()
    assert group.parent is None


def test_update_keeps_credit_code_unique(owner):
    CustomerFactory(credit_code=make_credit_code(1))
    mine = CustomerFactory(owner=owner)
    with pytest.raises(ValidationError) as excinfo:
        services.customer_update(customer=mine, data={"credit_code": make_credit_code(1)}, by=owner)
    assert "credit_code" in excinfo.value.message_dict


def test_merge_moves_everything_and_is_traceable(owner, manager):
    survivor = CustomerFactory(owner=owner, name="华远智能科技有限公司", phone="")
    merged = CustomerFactory(owner=owner, name="华远智能", phone="021-1234 5678",
                             credit_code=make_credit_code(3))
    contact = ContactFactory(customer=merged)
    child = CustomerFactory(owner=owner, parent=merged)
    services.customer_enrich(customer=merged, source="campaign", data={"city": "杭州"})
    AccountPlan.objects.create(customer=merged, year=2026, goals="旧计划")
    AccountPlan.objects.create(customer=survivor, year=2026, goals="保留的计划")
    AccountPlan.objects.create(customer=merged, year=2027, goals="明年")

    record = services.customer_merge(survivor=survivor, merged=merged, by=manager, reason="重复客户")

    assert not Customer.objects.filter(pk=merged.pk).exists()
    contact.refresh_from_db()
    child.refresh_from_db()
    survivor.refresh_from_db()
    assert contact.customer == survivor
    assert child.parent == survivor
    assert survivor.phone == "021-1234 5678"
    assert survivor.credit_code == make_credit_code(3)
    assert EnrichmentProposal.objects.get().customer == survivor
    assert sorted(survivor.plans.values_list("year", "goals")) == [(2026, "保留的计划"), (2027, "明年")]
    record = CustomerMerge.objects.get(pk=record.pk)
    assert record.merged_name == "华远智能"
    assert record.snapshot["phone"] == "021-1234 5678"
    assert record.snapshot["plans"][0]["goals"] == "旧计划"
    assert record.moved["accounts.Contact"] == 1


def test_merge_refused_across_teams_and_with_itself(owner, outsider):
    mine = CustomerFactory(owner=owner)
    theirs = CustomerFactory(owner=outsider)
    with pytest.raises(PermissionDenied):
        services.customer_merge(survivor=mine, merged=theirs, by=owner)
    with pytest.raises(DomainError):
        services.customer_merge(survivor=mine, merged=mine, by=owner)
    assert Customer.objects.count() == 2


@pytest.mark.parametrize("gone", ["survivor", "merged"])
def test_merge_with_a_customer_merged_away_meanwhile_is_a_conflict_and_changes_nothing(owner, gone):
    """Two people merging at once: the second finds a customer gone after it read it (409, not a server error)."""
    survivor = CustomerFactory(owner=owner, name="华远智能科技有限公司")
    merged = CustomerFactory(owner=owner, name="华远智能")
    third = CustomerFactory(owner=owner, name="华远")
    contact = ContactFactory(customer=survivor if gone == "merged" else merged)
    # Someone else folds the one that will be gone into a third customer first.
    services.customer_merge(survivor=third, merged=survivor if gone == "survivor" else merged, by=owner)
    with pytest.raises(ConflictError, match="已不存在"):  # in the company's language
        services.customer_merge(survivor=survivor, merged=merged, by=owner)
    contact.refresh_from_db()
    kept = merged if gone == "survivor" else survivor
    assert Customer.objects.filter(pk=kept.pk).exists()
    assert contact.customer_id == kept.pk
    assert CustomerMerge.objects.count() == 1


# --- Contacts and plans --------------------------------------------------------------------

def test_contact_reporting_line_stays_inside_the_customer_without_cycles(owner):
    customer = CustomerFactory(owner=owner)
    boss = ContactFactory(customer=customer, name="总经理")
    deputy = ContactFactory(customer=customer, name="副总", reports_to=boss)
    elsewhere = ContactFactory(name="别家的人")
    boss.reports_to = deputy
    with pytest.raises(ValidationError):
        services.contact_save(contact=boss, by=owner)
    deputy.reports_to = elsewhere
    with pytest.raises(ValidationError):
        services.contact_save(contact=deputy, by=owner)
    assert Contact.objects.get(pk=boss.pk).reports_to is None


def test_account_plan_review_flow(owner, manager, teammate):
    customer = CustomerFactory(owner=owner)
    plan = services.account_plan_save(plan=AccountPlan(customer=customer, year=2027, goals="增长30%"), by=owner)
    plan = services.account_plan_submit(plan=plan, by=owner)
    assert Notification.objects.filter(recipient=manager, kind="plan_review").exists()
    with pytest.raises(PermissionDenied):
        services.account_plan_review(plan=plan, approve=True, comment="", by=owner)  # not their own
    with pytest.raises(PermissionDenied):
        services.account_plan_review(plan=plan, approve=True, comment="", by=teammate)
    with pytest.raises(DomainError):
        services.account_plan_review(plan=plan, approve=False, comment="", by=manager)
    plan = services.account_plan_review(plan=plan, approve=False, comment="补充竞争分析", by=manager)
    assert plan.status == PlanStatus.RETURNED
    plan = services.account_plan_submit(plan=plan, by=owner)
    plan = services.account_plan_review(plan=plan, approve=True, comment="同意", by=manager)
    assert plan.status == PlanStatus.APPROVED
    assert plan.history.count() >= 4
