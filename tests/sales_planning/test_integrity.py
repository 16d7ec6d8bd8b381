"""Referential integrity of the named accounts and re-deployments now that they hold real foreign keys: a
customer merge hands them to the survivor, a deletion takes them along, and the database itself refuses a row
that points at nothing."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Max

from accounts import services as accounts_services
from accounts.models import Customer
from opportunities.models import Opportunity
from sales_planning import selectors, services
from sales_planning.models import Redeployment, TerritoryAccount
from teams.models import Territory
from tests.sales_org import customer_for, opportunity

pytestmark = pytest.mark.django_db

CUSTOMERS_MOVED = Redeployment.customers.through
OPPORTUNITIES_MOVED = Redeployment.opportunities.through



@pytest.fixture
def territory(org):
    territory = Territory.objects.create(name="华东重点行业", org_unit=org.region, provinces=["上海", "浙江"])
    territory.members.set([org.am1, org.am3])
    return territory


@pytest.fixture
def other_territory(org):
    return Territory.objects.create(name="上海金融", org_unit=org.team, provinces=["上海"])


def _name(org, territory, customer):
    """`customer` becomes a named account of `territory`, through the service, by the territory's manager."""
    return services.territory_account_add(territory=territory, customer_id=customer.pk, by=territory.org_unit.manager)


def _redeploy(org, *, include_opportunities=False):
    """Everything am1 owns goes to am2, through the preview and the service."""
    preview = selectors.redeploy_preview(by=org.team_mgr, from_user=org.am1, to_user=org.am2,
                                         include_opportunities=include_opportunities)
    return services.redeploy_execute(by=org.team_mgr, from_user=org.am1, to_user=org.am2, reason="调岗",
                                     include_opportunities=include_opportunities,
                                     customer_ids=preview["customer_ids"], opportunity_ids=preview["opportunity_ids"])


def _merge(org, survivor, merged):
    return accounts_services.customer_merge(survivor=survivor, merged=merged, by=org.team_mgr, reason="重复客户")


def _members(record):
    return set(record.customers.values_list("pk", flat=True))


def assert_nothing_dangles():
    """No named account or re-deployment row points at a customer or opportunity that is gone, checked with the
    ORM and by the database's own foreign key check (the constraints are deferred inside a test's transaction)."""
    customers, opportunities = Customer.objects.values("pk"), Opportunity.objects.values("pk")
    assert list(TerritoryAccount.objects.exclude(customer_id__in=customers)) == []
    assert list(CUSTOMERS_MOVED.objects.exclude(customer_id__in=customers)) == []
    assert list(OPPORTUNITIES_MOVED.objects.exclude(opportunity_id__in=opportunities)) == []
    connection.check_constraints(table_names=[TerritoryAccount._meta.db_table, CUSTOMERS_MOVED._meta.db_table,
                                              OPPORTUNITIES_MOVED._meta.db_table])


def _missing_pk(model) -> int:
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1000


# --- Merging customers -------------------------------------------------------------------------

def test_merge_hands_the_named_account_to_a_survivor_without_one(org, territory):
    survivor, merged = customer_for(org.am1), customer_for(org.am1)
    account = _name(org, territory, merged)

    record = _merge(org, survivor, merged)

    assert not Customer.objects.filter(pk=merged.pk).exists()
    moved = TerritoryAccount.objects.get()
    assert (moved.pk, moved.customer_id, moved.territory_id) == (account.pk, survivor.pk, territory.pk)
    assert Customer.objects.get(pk=survivor.pk).named_account.pk == account.pk
    assert record.moved["sales_planning.TerritoryAccount"] == 1
    assert_nothing_dangles()


def test_merge_keeps_only_the_survivors_named_account_when_both_had_one(org, territory, other_territory):
    survivor, merged = customer_for(org.am1), customer_for(org.am1)
    kept = _name(org, territory, survivor)
    dropped = _name(org, other_territory, merged)

    record = _merge(org, survivor, merged)

    assert not Customer.objects.filter(pk=merged.pk).exists()
    assert list(TerritoryAccount.objects.values_list("pk", "customer_id", "territory_id")) == [
        (kept.pk, survivor.pk, territory.pk)]
    assert not TerritoryAccount.objects.filter(pk=dropped.pk).exists()
    assert "sales_planning.TerritoryAccount" not in record.moved
    # The dropped one is not lost without a trace: the merge record keeps it (the name index is not kept).
    assert [row["territory_id"] for row in record.snapshot["dropped"]["sales_planning.TerritoryAccount"]] == [
        other_territory.pk]
    assert list(record.snapshot["dropped"]) == ["sales_planning.TerritoryAccount"]
    assert TerritoryAccount.history.filter(id=dropped.pk, history_type="-").exists()
    assert_nothing_dangles()


def test_merge_leaves_other_customers_named_accounts_alone(org, territory, other_territory):
    survivor, merged, bystander = customer_for(org.am1), customer_for(org.am1), customer_for(org.am1)
    _name(org, territory, merged)
    theirs = _name(org, other_territory, bystander)

    _merge(org, survivor, merged)

    assert dict(TerritoryAccount.objects.values_list("customer_id", "territory_id")) == {
        survivor.pk: territory.pk, bystander.pk: other_territory.pk}
    assert TerritoryAccount.objects.get(pk=theirs.pk).customer_id == bystander.pk
    assert_nothing_dangles()


def test_merge_moves_redeployment_membership_and_keeps_the_counts(org):
    merged, bystander = customer_for(org.am1), customer_for(org.am1)
    deal = opportunity(org.am1, "100", date(2026, 9, 1), outcome="open", customer=merged)
    record = _redeploy(org, include_opportunities=True)
    assert (_members(record), record.customer_count, record.opportunity_count) == ({merged.pk, bystander.pk}, 2, 1)
    survivor = customer_for(org.am2)  # not part of the re-deployment

    result = _merge(org, survivor, merged)

    record = Redeployment.objects.get(pk=record.pk)
    assert _members(record) == {survivor.pk, bystander.pk}
    assert list(Customer.objects.get(pk=survivor.pk).redeployments.all()) == [record]
    assert (record.customer_count, record.opportunity_count) == (2, 1)
    # The opportunity moved with it to the survivor, and stays in the record.
    assert list(record.opportunities.values_list("pk", "customer_id")) == [(deal.pk, survivor.pk)]
    assert result.moved["sales_planning.Redeployment"] == 1
    assert_nothing_dangles()


def test_merge_of_two_customers_moved_together_keeps_one_membership(org):
    survivor, merged, bystander = customer_for(org.am1), customer_for(org.am1), customer_for(org.am1)
    record = _redeploy(org)
    assert _members(record) == {survivor.pk, merged.pk, bystander.pk}

    _merge(org, survivor, merged)

    record = Redeployment.objects.get(pk=record.pk)
    assert _members(record) == {survivor.pk, bystander.pk}
    assert CUSTOMERS_MOVED.objects.filter(redeployment=record, customer=survivor).count() == 1
    assert record.customer_count == 3  # what moved then, not what exists now
    assert_nothing_dangles()


def test_merge_into_a_customer_of_another_redeployment_keeps_both_records(org):
    survivor = customer_for(org.am1)
    first = _redeploy(org)  # survivor: am1 -> am2
    merged = customer_for(org.am1)
    second = _redeploy(org)  # merged: am1 -> am2

    _merge(org, survivor, merged)

    assert _members(Redeployment.objects.get(pk=first.pk)) == {survivor.pk}
    assert _members(Redeployment.objects.get(pk=second.pk)) == {survivor.pk}
    assert set(Customer.objects.get(pk=survivor.pk).redeployments.values_list("pk", flat=True)) == {
        first.pk, second.pk}
    assert_nothing_dangles()


# --- Deleting -----------------------------------------------------------------------------------

def test_deleting_a_customer_removes_its_named_account_and_its_membership(org, territory):
    # There is no customer delete service: the ORM delete is what the admin and any clean-up do. A customer
    # with opportunities or activities cannot be deleted (PROTECT), so these have none.
    gone, staying = customer_for(org.am1), customer_for(org.am1)
    account = _name(org, territory, gone)
    kept = _name(org, territory, staying)
    record = _redeploy(org)

    Customer.objects.get(pk=gone.pk).delete()

    assert not TerritoryAccount.objects.filter(pk=account.pk).exists()
    assert list(TerritoryAccount.objects.values_list("pk", "customer_id")) == [(kept.pk, staying.pk)]
    record = Redeployment.objects.get(pk=record.pk)
    assert _members(record) == {staying.pk}
    assert record.customer_count == 2
    assert TerritoryAccount.history.filter(id=account.pk, history_type="-").exists()
    assert_nothing_dangles()


def test_deleting_an_opportunity_drops_it_from_the_redeployment(org):
    customer = customer_for(org.am1)
    gone = opportunity(org.am1, "100", date(2026, 9, 1), outcome="open", customer=customer)
    staying = opportunity(org.am1, "200", date(2026, 10, 1), outcome="open", customer=customer)
    record = _redeploy(org, include_opportunities=True)
    assert set(record.opportunities.values_list("pk", flat=True)) == {gone.pk, staying.pk}

    Opportunity.objects.get(pk=gone.pk).delete()  # no opportunity delete service

    record = Redeployment.objects.get(pk=record.pk)
    assert list(record.opportunities.values_list("pk", flat=True)) == [staying.pk]
    assert (record.customer_count, record.opportunity_count) == (1, 2)
    assert_nothing_dangles()


# --- The database refuses a dangling id ---------------------------------------------------------
# Django declares foreign keys DEFERRABLE INITIALLY DEFERRED on SQLite and PostgreSQL alike, and a test never
# commits: check_constraints() runs the check the commit would (PRAGMA foreign_key_check on SQLite, SET
# CONSTRAINTS ALL IMMEDIATE on PostgreSQL). The savepoint of atomic() then takes the bad row away again.

def test_the_database_refuses_a_named_account_of_a_missing_customer(territory):
    missing = _missing_pk(Customer)
    with pytest.raises(IntegrityError), transaction.atomic():
        TerritoryAccount.objects.create(territory=territory, customer_id=missing)
        connection.check_constraints(table_names=[TerritoryAccount._meta.db_table])
    assert not TerritoryAccount.objects.exists()


def test_the_database_refuses_a_redeployment_of_a_missing_customer_or_opportunity(org):
    customer_for(org.am1)
    record = _redeploy(org)
    for through, column, model in ((CUSTOMERS_MOVED, "customer_id", Customer),
                                   (OPPORTUNITIES_MOVED, "opportunity_id", Opportunity)):
        with pytest.raises(IntegrityError), transaction.atomic():
            through.objects.create(redeployment=record, **{column: _missing_pk(model)})
            connection.check_constraints(table_names=[through._meta.db_table])
    assert CUSTOMERS_MOVED.objects.filter(redeployment=record).count() == 1
    assert not OPPORTUNITIES_MOVED.objects.exists()
