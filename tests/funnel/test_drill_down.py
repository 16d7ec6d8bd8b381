"""The funnel page's drill-down reads the child units and the units above (or the direct reports and the superiors)
together: the same links as reading each on its own, for every viewer and holder, in fewer queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funnel import selectors
from funnel.selectors import Holder
from teams.models import OrgUnit, Role, User, managed_unit_ids
from teams.selectors import reporting_line
from tests.factories import AdminFactory, ManagerFactory, OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def reference_drill_down(*, viewer, holder):
    """The drill-down as it was read before, one query per part."""
    starts = [Holder(user=viewer)] + [Holder(org_unit=unit) for unit in selectors.managed_top_units(viewer=viewer)]
    units, people, path = [], [], []
    if holder.org_unit is not None:
        unit = holder.org_unit
        units = list(OrgUnit.objects.filter(parent=unit).select_related("manager").order_by("name"))
        people = list(User.objects.sales_people().filter(org_unit=unit).order_by("role", "username"))
        ancestors = {u.pk: u for u in unit.ancestors()}
        visible = None if viewer.is_admin else set(OrgUnit.objects.filter(pk__in=managed_unit_ids(viewer))
                                                   .values_list("pk", flat=True))
        current = ancestors.get(unit.parent_id)
        while current is not None and (visible is None or current.pk in visible):
            path.insert(0, Holder(org_unit=current))
            current = ancestors.get(current.parent_id)
    else:
        person = holder.user
        people = list(User.objects.sales_people().filter(manager=person).order_by("role", "username"))
        chain = reporting_line(user=person)
        if not viewer.is_admin:
            pks = [superior.pk for superior in chain]
            chain = chain[: pks.index(viewer.pk) + 1] if viewer.pk in pks else []
        path = [Holder(user=superior) for superior in reversed(chain)]
    return {"starts": starts, "path": path, "units": units, "people": people}


def keys(drill):
    return {
        "starts": [holder.key for holder in drill["starts"]],
        "path": [(holder.key, holder.label) for holder in drill["path"]],
        "units": [(unit.pk, unit.name) for unit in drill["units"]],
        "people": [(person.pk, str(person), person.get_role_display()) for person in drill["people"]],
    }


@pytest.fixture
def varied(org):
    """The demo organisation with people the drill-down leaves out or orders: inactive, administrators, several
    roles, names out of creation order, and a unit below a team that nobody above manages."""
    UserFactory(username="zz_am", manager=org.team_mgr, org_unit=org.team)
    UserFactory(username="aa_am", manager=org.team_mgr, org_unit=org.team)
    ManagerFactory(username="mm_lead", manager=org.team_mgr, org_unit=org.team)
    UserFactory(username="gone", manager=org.team_mgr, org_unit=org.team, is_active=False)
    UserFactory(username="configures", manager=org.team_mgr, org_unit=org.team, role=Role.ADMIN)
    UserFactory(username="root", manager=org.team_mgr, org_unit=org.team, is_superuser=True)
    pod_lead = UserFactory(username="pod_lead", manager=org.team_mgr)
    pod = OrgUnitFactory(name="浦东小组", parent=org.team, manager=pod_lead)
    OrgUnitFactory(name="A小组", parent=org.team)
    UserFactory(username="pod_am", manager=org.am1, org_unit=pod)
    return org


def test_the_same_links_as_reading_each_part_on_its_own(varied):
    org = varied
    viewers = [org.head, org.div_head, org.region_mgr, org.team_mgr, org.am1, org.admin,
               User.objects.get(username="pod_lead")]
    units = list(OrgUnit.objects.all())
    people = list(User.objects.all())
    compared = 0
    for viewer in viewers:
        for holder in [Holder(org_unit=unit) for unit in units] + [Holder(user=person) for person in people]:
            if not selectors.holder_visible(viewer=viewer, user=holder.user, org_unit=holder.org_unit):
                continue
            assert keys(selectors.drill_down(viewer=viewer, holder=holder)) == keys(
                reference_drill_down(viewer=viewer, holder=holder)), (viewer.username, holder.key)
            compared += 1
    assert compared > 40


def test_a_path_stops_below_a_unit_the_viewer_does_not_manage(varied):
    org = varied
    pod = OrgUnit.objects.get(name="浦东小组")
    pod_lead = User.objects.get(username="pod_lead")
    assert selectors.drill_down(viewer=pod_lead, holder=Holder(org_unit=pod))["path"] == []
    path = selectors.drill_down(viewer=org.region_mgr, holder=Holder(org_unit=pod))["path"]
    assert [holder.org_unit for holder in path] == [org.region, org.team]
    path = selectors.drill_down(viewer=AdminFactory(username="boss"), holder=Holder(org_unit=pod))["path"]
    assert [holder.org_unit for holder in path] == [org.company, org.division, org.region, org.team]


@pytest.mark.parametrize(("holder_kind", "most"), [("unit", 2), ("person", 1)])
def test_the_drill_down_reads_the_parts_together(varied, holder_kind, most):
    org = varied
    holder = Holder(org_unit=org.team) if holder_kind == "unit" else Holder(user=org.team_mgr)
    selectors.managed_top_units(viewer=org.region_mgr)  # read by the page before (its default holder)
    with CaptureQueriesContext(connection) as queries:
        selectors.drill_down(viewer=org.region_mgr, holder=holder)
    # Outside a request nothing is remembered: the viewer's units are read again here.
    assert len(queries) == most + 1
