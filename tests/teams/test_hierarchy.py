"""Reporting lines and the org unit tree: one query each whatever the depth, no cycles."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from crm.errors import DomainError, PermissionDenied
from teams.models import OrgUnitKind
from teams.services import org_unit_set_parent, user_set_manager
from tests.factories import AdminFactory, OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    """Six people, each reporting to the one before: chain[0] is at the top."""
    people = [UserFactory(username="level0")]
    for level in range(1, 6):
        people.append(UserFactory(username=f"level{level}", manager=people[-1]))
    return people


@pytest.fixture
def units():
    """Six org units nested one in the other: company > division > region > team > ..."""
    kinds = [OrgUnitKind.COMPANY, OrgUnitKind.DIVISION, OrgUnitKind.REGION, OrgUnitKind.TEAM,
             OrgUnitKind.TEAM, OrgUnitKind.TEAM]
    nested = [OrgUnitFactory(name="unit0", kind=kinds[0])]
    for depth in range(1, 6):
        nested.append(OrgUnitFactory(name=f"unit{depth}", kind=kinds[depth], parent=nested[-1]))
    return nested


def test_is_superior_of_anywhere_up_the_line_in_one_query(chain, django_assert_num_queries):
    top, bottom = chain[0], chain[5]
    with django_assert_num_queries(1):
        assert top.is_superior_of(bottom) is True
    with django_assert_num_queries(1):
        assert chain[4].is_superior_of(bottom) is True
    with django_assert_num_queries(1):
        assert bottom.is_superior_of(top) is False
    with django_assert_num_queries(1):
        assert chain[2].is_superior_of(chain[1]) is False


def test_nobody_is_their_own_superior_and_strangers_are_not(chain):
    stranger = UserFactory(username="stranger")
    assert chain[3].is_superior_of(chain[3]) is False
    assert stranger.is_superior_of(chain[5]) is False
    assert chain[0].is_superior_of(stranger) is False


def test_subordinates_is_the_whole_subtree_in_one_query(chain, django_assert_num_queries):
    branch = UserFactory(username="branch", manager=chain[2])
    UserFactory(username="unrelated")
    with django_assert_num_queries(1):
        names = sorted(u.username for u in chain[1].subordinates())
    assert names == ["branch", "level2", "level3", "level4", "level5"]
    with django_assert_num_queries(1):
        names = sorted(u.username for u in chain[4].subordinates(include_self=True))
    assert names == ["level4", "level5"]
    assert list(chain[5].subordinates()) == []
    assert branch not in chain[3].subordinates()


def test_superiors_is_the_reporting_line_in_one_query(chain, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = sorted(u.username for u in chain[5].superiors())
    assert names == ["level0", "level1", "level2", "level3", "level4"]


def test_org_unit_subtree_in_one_query(units, django_assert_num_queries):
    OrgUnitFactory(name="elsewhere")
    with django_assert_num_queries(1):
        names = sorted(u.name for u in units[2].subtree())
    assert names == ["unit2", "unit3", "unit4", "unit5"]
    with django_assert_num_queries(1):
        names = sorted(u.name for u in units[2].subtree(include_self=False))
    assert names == ["unit3", "unit4", "unit5"]
    with django_assert_num_queries(1):
        names = sorted(u.name for u in units[5].ancestors())
    assert names == ["unit0", "unit1", "unit2", "unit3", "unit4"]


def test_reporting_cycle_refused_by_service(chain):
    admin = AdminFactory()
    with pytest.raises(DomainError) as excinfo:
        user_set_manager(user=chain[0], manager=chain[5], by=admin)
    assert excinfo.value.field == "manager"
    chain[0].refresh_from_db()
    assert chain[0].manager is None


def test_reporting_to_oneself_refused(chain):
    admin = AdminFactory()
    with pytest.raises(DomainError):
        user_set_manager(user=chain[2], manager=chain[2], by=admin)
    # The database refuses it too, whatever writes the row.
    chain[2].manager = chain[2]
    with pytest.raises(IntegrityError), transaction.atomic():
        chain[2].save()


def test_reporting_cycle_refused_by_model_validation(chain):
    """The admin screens validate through full_clean(), so they refuse cycles too."""
    chain[1].manager = chain[4]
    with pytest.raises(ValidationError) as excinfo:
        chain[1].full_clean()
    assert "manager" in excinfo.value.message_dict


def test_moving_someone_within_the_tree_is_allowed(chain):
    admin = AdminFactory()
    user_set_manager(user=chain[5], manager=chain[1], by=admin)
    chain[5].refresh_from_db()
    assert chain[5].manager == chain[1]
    assert chain[1].is_superior_of(chain[5])
    assert not chain[4].is_superior_of(chain[5])


def test_only_admin_or_superior_moves_a_person(chain):
    stranger = UserFactory(username="stranger")
    with pytest.raises(PermissionDenied):
        user_set_manager(user=chain[3], manager=chain[0], by=stranger)
    with pytest.raises(PermissionDenied):
        user_set_manager(user=chain[2], manager=chain[0], by=chain[3])
    user_set_manager(user=chain[3], manager=chain[1], by=chain[1])
    chain[3].refresh_from_db()
    assert chain[3].manager == chain[1]


def test_org_unit_cycle_refused(units):
    admin = AdminFactory()
    with pytest.raises(DomainError) as excinfo:
        org_unit_set_parent(unit=units[1], parent=units[4], by=admin)
    assert excinfo.value.field == "parent"
    with pytest.raises(DomainError):
        org_unit_set_parent(unit=units[1], parent=units[1], by=admin)
    units[1].parent = units[5]
    with pytest.raises(ValidationError):
        units[1].full_clean()
    units[1].refresh_from_db()
    assert units[1].parent == units[0]


def test_org_unit_tree_changes_only_by_admin(units):
    with pytest.raises(PermissionDenied):
        org_unit_set_parent(unit=units[3], parent=units[1], by=UserFactory())
    org_unit_set_parent(unit=units[3], parent=units[1], by=AdminFactory())
    assert sorted(u.name for u in units[1].subtree(include_self=False)) == ["unit2", "unit3", "unit4", "unit5"]
    assert sorted(u.name for u in units[2].subtree(include_self=False)) == []


def test_visible_owner_ids_scopes_to_subtree(chain):
    admin = AdminFactory()
    stranger = UserFactory(username="stranger")
    from teams.models import User

    visible = set(User.objects.filter(pk__in=chain[3].visible_owner_ids()).values_list("username", flat=True))
    assert visible == {"level3", "level4", "level5"}
    assert stranger.username not in visible
    assert admin.visible_owner_ids() is None


def test_history_is_kept_for_reporting_changes(chain):
    admin = AdminFactory()
    user_set_manager(user=chain[5], manager=chain[0], by=admin)
    managers = [h.manager_id for h in chain[5].history.order_by("history_date")]
    assert managers == [chain[4].pk, chain[0].pk]
