"""The stage admin saves and deletes through funnel.services.stage_save / stage_delete, so an administrator
cannot do there what the API refuses (turn a stage that holds opportunities from open to won without moving
them, which would leave no StageChange); a refusal is shown on the form, never as a server error."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from crm.errors import DomainError
from funnel import services
from funnel.models import StageChange
from opportunities.models import Stage
from tests.factories import AdminFactory, ManagerFactory, stage

pytestmark = pytest.mark.django_db

FIELDS = ["code", "name_zh", "name_en", "order", "probability", "outcome", "tasks_zh", "tasks_en", "checklist_zh",
          "checklist_en", "stuck_after_days"]


@pytest.fixture
def administrator(db):
    person = AdminFactory(username="stage-admin")
    person.language = "en"
    person.save()
    return person


def form_data(stage_row: Stage, **changes) -> dict:
    data = {name: "" if getattr(stage_row, name) is None else getattr(stage_row, name) for name in FIELDS}
    data["requirements"] = list(stage_row.requirements)
    if stage_row.active:
        data["active"] = "on"
    data.update(changes)
    return data


def change_url(stage_row: Stage) -> str:
    return reverse("admin:opportunities_stage_change", args=[stage_row.pk])


def test_a_stage_holding_opportunities_keeps_its_outcome_in_the_admin(client, administrator, opportunity):
    five = stage("05")
    opportunity.stage = five
    opportunity.save(update_fields=["stage"])
    before = (five.outcome, five.probability, five.stuck_after_days)
    client.force_login(administrator)
    response = client.post(change_url(five), form_data(five, outcome="won", probability=100, stuck_after_days=""))
    assert response.status_code == 200  # the form again, with the reason
    assert "Opportunities are in this stage: its outcome cannot change." in response.content.decode()
    five.refresh_from_db()
    assert (five.outcome, five.probability, five.stuck_after_days) == before == ("open", 50, 60)
    assert not StageChange.objects.exists()


def test_a_refusal_of_the_service_is_shown_on_the_form(client, administrator, monkeypatch):
    """Whatever stage_save refuses at save time (here: a stand-in refusal) is a form error and nothing is saved."""
    two = stage("02")

    def refuse(**kwargs):
        raise DomainError("Refused by the stage service.", field="probability")

    monkeypatch.setattr(services, "stage_save", refuse)
    client.force_login(administrator)
    response = client.post(change_url(two), form_data(two, probability=25))
    assert response.status_code == 200
    assert "Refused by the stage service." in response.content.decode()
    assert Stage.objects.get(pk=two.pk).probability == 20


def test_a_change_in_the_admin_goes_through_the_service(client, administrator):
    two = stage("02")
    client.force_login(administrator)
    response = client.post(change_url(two), form_data(two, probability=25, requirements=["assessment_done"]))
    assert response.status_code == 302
    two.refresh_from_db()
    assert (two.probability, two.requirements) == (25, ["assessment_done"])
    assert two.history.first().history_user == administrator
    closed = stage("08", "won")
    response = client.post(change_url(closed), form_data(closed, stuck_after_days=10))
    assert response.status_code == 200
    assert "A closed stage cannot be stuck; leave it empty." in response.content.decode()


def test_deleting_and_deactivating_go_through_the_services(client, administrator, monkeypatch):
    unused = Stage.objects.create(code="09", name_zh="新阶段", name_en="New", probability=95, order=20)
    calls = []
    real_delete = services.stage_delete
    monkeypatch.setattr(services, "stage_delete", lambda **kwargs: (calls.append("delete"), real_delete(**kwargs)))
    client.force_login(administrator)
    response = client.post(reverse("admin:opportunities_stage_delete", args=[unused.pk]), {"post": "yes"})
    assert response.status_code == 302 and calls == ["delete"]
    assert not Stage.objects.filter(code="09").exists()
    three = stage("03")
    client.post(reverse("admin:opportunities_stage_changelist"),
                {"action": "deactivate", "_selected_action": [three.pk]})
    three.refresh_from_db()
    assert not three.active and three.history.first().history_user == administrator


def test_staff_who_are_not_administrators_cannot_change_stages(client):
    """The stage service lets administrators only; the admin does not offer the change to other staff."""
    staff = ManagerFactory(username="staff-manager", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(content_type__app_label="opportunities",
                                                          codename__in=["view_stage", "change_stage"]))
    two = stage("02")
    client.force_login(staff)
    assert client.post(change_url(two), form_data(two, probability=25)).status_code == 403
    assert Stage.objects.get(pk=two.pk).probability == 20
