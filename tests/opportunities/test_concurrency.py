"""Exactly one primary owner even when two changes arrive at once (PostgreSQL: real row locks)."""

import pytest
from django.db import IntegrityError, connection, transaction

from crm.errors import ConflictError
from opportunities import services
from opportunities.models import Opportunity, OpportunityTeamMember, OwnerChange
from tests.factories import CustomerFactory, ManagerFactory, OpportunityFactory, UserFactory, ensure_default_config
from tests.threads import NEEDS_POSTGRESQL, run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason=NEEDS_POSTGRESQL),
]


@pytest.fixture
def setup():
    ensure_default_config()
    boss = ManagerFactory(username="boss")
    owner = UserFactory(username="owner", manager=boss)
    first = UserFactory(username="first", manager=boss)
    second = UserFactory(username="second", manager=boss)
    opportunity = OpportunityFactory(primary_owner=owner, customer=CustomerFactory(owner=owner))
    return boss, owner, first, second, opportunity


def primary_rows(opportunity):
    return list(OpportunityTeamMember.objects.filter(opportunity=opportunity, is_primary=True)
                .values_list("user_id", flat=True))


def test_two_concurrent_changes_one_wins(setup):
    boss, owner, first, second, opportunity = setup

    def change_to(person):
        return lambda: services.opportunity_change_owner(opportunity=opportunity, new_owner=person, by=boss,
                                                         expected_owner=owner)

    results = run_together(change_to(first), change_to(second))
    winners = [r for r in results if isinstance(r, Opportunity)]
    losers = [r for r in results if isinstance(r, ConflictError)]
    assert len(winners) == 1 and len(losers) == 1, results
    opportunity.refresh_from_db()
    assert opportunity.primary_owner_id == winners[0].primary_owner_id
    assert primary_rows(opportunity) == [opportunity.primary_owner_id]
    assert OwnerChange.objects.filter(opportunity=opportunity).count() == 1


def test_two_concurrent_changes_without_expectation_run_one_after_the_other(setup):
    boss, owner, first, second, opportunity = setup
    results = run_together(
        lambda: services.opportunity_change_owner(opportunity=opportunity, new_owner=first, by=boss),
        lambda: services.opportunity_change_owner(opportunity=opportunity, new_owner=second, by=boss),
    )
    assert all(isinstance(r, Opportunity) for r in results), results
    opportunity.refresh_from_db()
    assert primary_rows(opportunity) == [opportunity.primary_owner_id]
    changes = list(OwnerChange.objects.filter(opportunity=opportunity).order_by("id"))
    # The second change starts from where the first one ended: a chain, never a fork.
    assert changes[0].old_owner_id == owner.pk
    assert changes[1].old_owner_id == changes[0].new_owner_id
    assert changes[1].new_owner_id == opportunity.primary_owner_id


def test_database_refuses_two_primaries_even_without_the_service_lock(setup):
    """Two writers that skip the service (no row lock) promote two people at once: the partial
    unique index lets exactly one commit, whichever order the database runs them in."""
    _boss, owner, first, second, opportunity = setup
    OpportunityTeamMember.objects.filter(opportunity=opportunity, user=owner).update(is_primary=False)
    for person in (first, second):
        OpportunityTeamMember.objects.create(opportunity=opportunity, user=person, role="sales")

    def promote(person):
        def job():
            with transaction.atomic():
                OpportunityTeamMember.objects.filter(opportunity=opportunity, user=person).update(is_primary=True)
            return person.pk
        return job

    results = run_together(promote(first), promote(second))
    failures = [r for r in results if isinstance(r, IntegrityError)]
    successes = [r for r in results if isinstance(r, int)]
    assert len(successes) == 1 and len(failures) == 1, results
    assert primary_rows(opportunity) == successes
