"""The rules of opportunities: creation, amounts from lines, confirmation, the sales team and the
one primary owner that only a superior (or an administrator) may change."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from crm.errors import ConflictError, DomainError, PermissionDenied
from opportunities import services
from opportunities.models import Opportunity, OpportunityTeamMember, OwnerChange
from teams.models import Notification
from tests.factories import (
    AdminFactory,
    CustomerFactory,
    ManagerFactory,
    OpportunityFactory,
    ProductFactory,
    UserFactory,
    stage,
)

pytestmark = pytest.mark.django_db

CLOSE = timezone.localdate() + timedelta(days=30)


def primaries(opportunity):
    return list(OpportunityTeamMember.objects.filter(opportunity=opportunity, is_primary=True)
                .values_list("user__username", flat=True))


# --- Creation ---------------------------------------------------------------------------------

def test_creator_is_the_primary_owner(owner, customer):
    opportunity = services.opportunity_create(customer=customer, name="新产线", expected_close_date=CLOSE, by=owner)
    assert opportunity.primary_owner == owner
    assert primaries(opportunity) == ["owner"]
    assert opportunity.stage.code == "01"
    assert opportunity.currency == "CNY"
    assert opportunity.created_by == owner


def test_superior_creates_for_someone_in_their_team(manager, director, owner, customer):
    opportunity = services.opportunity_create(customer=customer, name="代建", expected_close_date=CLOSE, by=director,
                                              primary_owner=owner)
    assert opportunity.primary_owner == owner
    assert primaries(opportunity) == ["owner"]
    assert Notification.objects.filter(recipient=owner, kind="opportunity_assigned").exists()


def test_account_manager_cannot_create_for_a_peer(owner, teammate, customer):
    with pytest.raises(PermissionDenied):
        services.opportunity_create(customer=customer, name="x", expected_close_date=CLOSE, by=owner,
                                    primary_owner=teammate)
    assert not Opportunity.objects.exists()


def test_creator_must_see_the_customer(outsider, customer):
    with pytest.raises(DomainError) as error:
        services.opportunity_create(customer=customer, name="x", expected_close_date=CLOSE, by=outsider)
    assert error.value.field == "customer"


def test_team_member_sees_the_customer_of_the_opportunity(opportunity, presales):
    from accounts.models import Customer

    assert Customer.objects.visible_to(presales).filter(pk=opportunity.customer_id).exists()


def test_competitors_accept_text_or_list(owner, customer):
    opportunity = services.opportunity_create(customer=customer, name="x", expected_close_date=CLOSE, by=owner,
                                              competitors="西门子, 发那科,西门子\n海德汉")
    assert opportunity.competitors == ["西门子", "发那科", "海德汉"]


def test_amount_is_entered_without_lines(owner, customer):
    opportunity = services.opportunity_create(customer=customer, name="x", expected_close_date=CLOSE, by=owner,
                                              amount="1250000.5")
    assert opportunity.amount == Decimal("1250000.50")


def test_float_money_is_refused(owner, customer):
    with pytest.raises(DomainError) as error:
        services.opportunity_create(customer=customer, name="x", expected_close_date=CLOSE, by=owner, amount=0.1)
    assert error.value.field == "amount"


# --- Lines ------------------------------------------------------------------------------------

def test_line_amount_is_exact_decimal():
    amount = services.line_amount(quantity=Decimal("3"), unit_price=Decimal("0.10"), discount=Decimal("0"))
    assert amount == Decimal("0.30")  # 3 * 0.1 in binary floating point is 0.30000000000000004
    amount = services.line_amount(quantity=Decimal("7"), unit_price=Decimal("1999.99"), discount=Decimal("12.5"))
    assert amount == Decimal("12249.94")  # 13999.93 * 0.875 = 12249.93875, half up
    assert isinstance(amount, Decimal)
    with pytest.raises(TypeError):
        services.line_amount(quantity=3.0, unit_price=Decimal("1"), discount=Decimal("0"))


def test_amount_follows_the_lines(owner, opportunity, product):
    line = services.line_add(opportunity=opportunity, by=owner,
                             data={"product": product, "quantity": "2", "unit_price": "480000", "discount": "5"})
    assert line.amount == Decimal("912000.00")
    opportunity.refresh_from_db()
    assert opportunity.amount == Decimal("912000.00")
    second = services.line_add(opportunity=opportunity, by=owner,
                               data={"product": ProductFactory(list_price=Decimal("33333.33")), "quantity": "3"})
    assert second.unit_price == Decimal("33333.33")  # the list price by default
    assert second.amount == Decimal("99999.99")
    opportunity.refresh_from_db()
    assert opportunity.amount == Decimal("1011999.99")
    services.line_update(line=line, by=owner, data={"discount": "0"})
    opportunity.refresh_from_db()
    assert opportunity.amount == Decimal("1059999.99")
    services.line_remove(line=second, by=owner)
    opportunity.refresh_from_db()
    assert opportunity.amount == Decimal("960000.00")


def test_amount_cannot_be_typed_over_the_lines(owner, opportunity, product):
    services.line_add(opportunity=opportunity, by=owner, data={"product": product, "quantity": "1"})
    with pytest.raises(DomainError) as error:
        services.opportunity_update(opportunity=opportunity, by=owner, data={"amount": "1"})
    assert error.value.field == "amount"


@pytest.mark.parametrize(("data", "field"), [
    ({"quantity": "0"}, "quantity"),
    ({"quantity": "-1"}, "quantity"),
    ({"discount": "101"}, "discount"),
    ({"unit_price": "-5"}, "unit_price"),
    ({"unit_price": "abc"}, "unit_price"),
])
def test_bad_line_values_are_refused_by_field(owner, opportunity, product, data, field):
    with pytest.raises(DomainError) as error:
        services.line_add(opportunity=opportunity, by=owner, data={"product": product, "quantity": "1", **data})
    assert error.value.field == field


def test_database_refuses_a_discount_over_100(opportunity, product):
    from opportunities.models import OpportunityLine

    with pytest.raises(IntegrityError), transaction.atomic():
        OpportunityLine.objects.create(opportunity=opportunity, product=product, quantity=1, unit_price=1,
                                       discount=Decimal("120"), amount=0)


def test_team_member_and_peer_cannot_edit_lines(opportunity, presales, teammate, product):
    for person in (presales, teammate):
        with pytest.raises(PermissionDenied):
            services.line_add(opportunity=opportunity, by=person, data={"product": product, "quantity": "1"})


def test_superior_edits_the_opportunity(director, opportunity):
    services.opportunity_update(opportunity=opportunity, by=director, data={"name": "改名", "amount": "5"})
    opportunity.refresh_from_db()
    assert (opportunity.name, opportunity.amount) == ("改名", Decimal("5.00"))
    assert opportunity.history.first().history_user == director


# --- Confirmation -----------------------------------------------------------------------------

def test_only_the_primary_owner_confirms(owner, manager, presales, admin_user, opportunity):
    for person in (manager, presales, admin_user):
        with pytest.raises(PermissionDenied):
            services.opportunity_set_confirmed(opportunity=opportunity, confirmed=True, by=person)
    services.opportunity_set_confirmed(opportunity=opportunity, confirmed=True, by=owner)
    opportunity.refresh_from_db()
    assert opportunity.confirmed is True and opportunity.confirmed_at is not None
    services.opportunity_set_confirmed(opportunity=opportunity, confirmed=False, by=owner)
    opportunity.refresh_from_db()
    assert opportunity.confirmed is False and opportunity.confirmed_at is None


# --- Sales team -------------------------------------------------------------------------------

def test_owner_and_superiors_manage_the_team(owner, director, opportunity):
    colleague = UserFactory(username="solution")
    services.team_member_add(opportunity=opportunity, user=colleague, role="solution", by=owner)
    assert opportunity.team.get(user=colleague).role == "solution"
    services.team_member_add(opportunity=opportunity, user=colleague, role="service", by=director)
    assert opportunity.team.get(user=colleague).role == "service"  # adding again changes the role
    services.team_member_remove(opportunity=opportunity, user=colleague, by=director)
    assert not opportunity.team.filter(user=colleague).exists()


def test_team_member_peer_and_outsider_cannot_change_the_team(opportunity, presales, teammate, outsider):
    newcomer = UserFactory()
    for person in (presales, teammate, outsider):
        with pytest.raises(PermissionDenied):
            services.team_member_add(opportunity=opportunity, user=newcomer, role="sales", by=person)
        with pytest.raises(PermissionDenied):
            services.team_member_remove(opportunity=opportunity, user=presales, by=person)


def test_primary_owner_cannot_be_removed_from_the_team(owner, opportunity):
    with pytest.raises(DomainError):
        services.team_member_remove(opportunity=opportunity, user=owner, by=owner)


def test_unknown_team_role_is_refused(owner, opportunity):
    with pytest.raises(DomainError) as error:
        services.team_member_add(opportunity=opportunity, user=UserFactory(), role="emperor", by=owner)
    assert error.value.field == "role"


# --- Changing the primary owner ----------------------------------------------------------------

@pytest.mark.parametrize("changer", ["manager", "director", "admin_user"])
def test_superiors_anywhere_up_the_line_and_admins_change_the_owner(request, opportunity, teammate, changer):
    by = request.getfixturevalue(changer)
    services.opportunity_set_confirmed(opportunity=opportunity, confirmed=True, by=opportunity.primary_owner)
    services.opportunity_change_owner(opportunity=opportunity, new_owner=teammate, by=by, reason="调岗")
    opportunity.refresh_from_db()
    assert opportunity.primary_owner == teammate
    assert primaries(opportunity) == ["teammate"]
    assert opportunity.team.filter(user__username="owner", is_primary=False).exists()  # stays on the team
    assert opportunity.confirmed is False  # the new owner confirms again
    change = OwnerChange.objects.get(opportunity=opportunity)
    assert (change.old_owner.username, change.new_owner.username, change.changed_by, change.reason) == (
        "owner", "teammate", by, "调岗")
    assert change.created_at is not None
    assert Notification.objects.filter(recipient=teammate, kind="opportunity_owner").exists()


@pytest.mark.parametrize("changer", ["owner", "teammate", "other_manager", "presales", "outsider"])
def test_everyone_else_is_refused_with_a_clear_message(request, opportunity, changer, director):
    by = request.getfixturevalue(changer)
    new_owner = UserFactory(manager=opportunity.primary_owner.manager)
    with translation.override("en"), pytest.raises(PermissionDenied) as error:
        services.opportunity_change_owner(opportunity=opportunity, new_owner=new_owner, by=by)
    assert "Only a superior of the primary owner" in str(error.value)
    opportunity.refresh_from_db()
    assert opportunity.primary_owner.username == "owner"
    assert not OwnerChange.objects.exists()


def test_manager_of_the_presales_branch_is_not_a_superior(opportunity, presales):
    with pytest.raises(PermissionDenied):
        services.opportunity_change_owner(opportunity=opportunity, new_owner=presales, by=presales.manager)


def test_new_owner_must_be_in_the_changers_subtree(manager, opportunity, outsider):
    with pytest.raises(DomainError) as error:
        services.opportunity_change_owner(opportunity=opportunity, new_owner=outsider, by=manager)
    assert error.value.field == "primary_owner"


def test_admin_hands_over_to_anyone(admin_user, opportunity, outsider):
    services.opportunity_change_owner(opportunity=opportunity, new_owner=outsider, by=admin_user)
    assert primaries(opportunity) == ["outsider"]


def test_manager_can_take_it_over_themselves(manager, opportunity):
    services.opportunity_change_owner(opportunity=opportunity, new_owner=manager, by=manager)
    opportunity.refresh_from_db()
    assert opportunity.primary_owner == manager


def test_same_owner_is_refused(manager, owner, opportunity):
    with pytest.raises(DomainError):
        services.opportunity_change_owner(opportunity=opportunity, new_owner=owner, by=manager)


def test_stale_expected_owner_is_a_conflict(manager, owner, teammate, opportunity):
    services.opportunity_change_owner(opportunity=opportunity, new_owner=teammate, by=manager, expected_owner=owner)
    with pytest.raises(ConflictError):
        services.opportunity_change_owner(opportunity=opportunity, new_owner=manager, by=manager,
                                          expected_owner=owner)
    opportunity.refresh_from_db()
    assert opportunity.primary_owner == teammate


def test_promoting_an_existing_member_keeps_their_row(manager, opportunity, presales):
    services.opportunity_change_owner(opportunity=opportunity, new_owner=manager, by=manager)
    services.team_member_add(opportunity=opportunity, user=presales, role="presales", by=manager)
    assert opportunity.team.count() == 3
    assert primaries(opportunity) == ["manager"]


def test_database_allows_only_one_primary_row(opportunity, teammate):
    with pytest.raises(IntegrityError), transaction.atomic():
        OpportunityTeamMember.objects.create(opportunity=opportunity, user=teammate, is_primary=True)
    assert primaries(opportunity) == ["owner"]


def test_database_refuses_an_opportunity_without_owner(customer):
    with pytest.raises(IntegrityError), transaction.atomic():
        Opportunity.objects.create(customer=customer, name="x", expected_close_date=CLOSE, stage=stage(),
                                   primary_owner=None)


def test_inactive_person_cannot_become_owner(manager, opportunity):
    gone = UserFactory(manager=manager, is_active=False)
    with pytest.raises(DomainError):
        services.opportunity_change_owner(opportunity=opportunity, new_owner=gone, by=manager)


def test_owner_change_history_and_simple_history(manager, teammate, opportunity):
    services.opportunity_change_owner(opportunity=opportunity, new_owner=teammate, by=manager, reason="调岗")
    record = opportunity.history.first()
    assert record.primary_owner_id == teammate.pk
    assert record.history_user == manager
    assert record.history_change_reason == "调岗"


def test_a_higher_superior_of_a_deep_line(db):
    top = ManagerFactory(username="top")
    middle = ManagerFactory(username="middle", manager=top)
    lower = ManagerFactory(username="lower", manager=middle)
    seller = UserFactory(username="seller", manager=lower)
    other = UserFactory(username="other", manager=lower)
    opportunity = OpportunityFactory(primary_owner=seller, customer=CustomerFactory(owner=seller))
    services.opportunity_change_owner(opportunity=opportunity, new_owner=other, by=top)
    assert primaries(opportunity) == ["other"]
    assert AdminFactory().is_admin
