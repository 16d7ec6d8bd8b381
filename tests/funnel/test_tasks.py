"""Ticking off the tasks of an opportunity's stage: the service, the HTMX toggle on the stage panel, the API,
the permissions (owner and superiors; others who see it 403; outsiders 404) and the history."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from crm.errors import DomainError, PermissionDenied
from funnel import selectors, services
from funnel.models import StageTaskDone

pytestmark = pytest.mark.django_db


def _url(opportunity):
    return reverse("funnel:opportunity-task", args=[opportunity.pk])


def test_the_owner_ticks_and_unticks_with_history(owner, opportunity, english):
    task = opportunity.stage.checklist[1]
    row = services.stage_task_set(opportunity=opportunity, position=1, done=True, by=owner)
    assert (row.stage_id, row.position, row.task, row.done_by) == (opportunity.stage_id, 1, task, owner)
    assert services.stage_task_set(opportunity=opportunity, position="1", done=True, by=owner).pk == row.pk  # again
    items = selectors.stage_checklist(opportunity=opportunity)
    assert [item.done is not None for item in items] == [index == 1 for index in range(len(items))]
    assert services.stage_task_set(opportunity=opportunity, position=1, done=False, by=owner) is None
    assert not StageTaskDone.objects.exists()
    history = list(StageTaskDone.history.order_by("history_date").values_list("history_type", "history_user"))
    assert history == [("+", owner.pk), ("-", owner.pk)]


def test_a_task_outside_the_checklist_is_refused(owner, opportunity):
    for position in (-1, len(opportunity.stage.checklist), "x", None):
        with pytest.raises(DomainError):
            services.stage_task_set(opportunity=opportunity, position=position, done=True, by=owner)


def test_ticks_stay_with_their_stage(owner, opportunity):
    services.stage_task_set(opportunity=opportunity, position=0, done=True, by=owner)
    services.opportunity_move(opportunity=opportunity, stage_code="02", by=owner)
    opportunity.refresh_from_db()
    assert all(item.done is None for item in selectors.stage_checklist(opportunity=opportunity))
    services.opportunity_move(opportunity=opportunity, stage_code="01", by=owner)
    opportunity.refresh_from_db()
    assert selectors.stage_checklist(opportunity=opportunity)[0].done.done_by == owner


@pytest.mark.parametrize(("who", "allowed"), [("owner", True), ("manager", True), ("director", True),
                                              ("admin_user", True), ("presales", False), ("teammate", False)])
def test_who_may_tick(request, opportunity, presales, who, allowed):
    person = request.getfixturevalue(who)
    if allowed:
        assert services.stage_task_set(opportunity=opportunity, position=0, done=True, by=person).done_by == person
    else:
        with pytest.raises(PermissionDenied):
            services.stage_task_set(opportunity=opportunity, position=0, done=True, by=person)
        assert not StageTaskDone.objects.exists()


def test_htmx_toggle_returns_the_refreshed_checklist(client, owner, opportunity):
    client.force_login(owner)
    response = client.post(_url(opportunity), {"position": 0, "done": "1"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and f'id="fn-checklist-{opportunity.pk}"' in html
    assert 'aria-pressed="true"' in html and "bi-check-square-fill" in html and str(owner) in html
    response = client.post(_url(opportunity), {"position": 0, "done": "0"}, HTTP_HX_REQUEST="true")
    assert 'aria-pressed="true"' not in response.content.decode()
    assert not StageTaskDone.objects.exists()


def test_plain_post_goes_back_to_the_opportunity(client, owner, opportunity):
    client.force_login(owner)
    response = client.post(_url(opportunity), {"position": 2, "done": "1"})
    assert response.status_code == 302 and response["Location"] == opportunity.get_absolute_url()
    assert StageTaskDone.objects.get().position == 2


@pytest.mark.parametrize(("who", "code"), [("outsider", 404), ("teammate", 404), ("presales", 403)])
def test_others_cannot_tick(request, client, opportunity, presales, who, code):
    client.force_login(request.getfixturevalue(who))
    response = client.post(_url(opportunity), {"position": 0, "done": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == code
    assert not StageTaskDone.objects.exists()


def test_anonymous_is_sent_to_sign_in_and_get_is_refused(client, owner, opportunity):
    response = client.post(_url(opportunity), {"position": 0, "done": "1"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(owner)
    assert client.get(_url(opportunity)).status_code == 405


def test_the_panel_shows_toggles_to_editors_and_ticks_to_everyone(owner, presales, opportunity):
    services.stage_task_set(opportunity=opportunity, position=0, done=True, by=owner)

    def render(user):
        request = RequestFactory().get(f"/opportunities/{opportunity.pk}/")
        request.user = user
        return Template('{% include "funnel/_stage_path.html" %}').render(Context({"opportunity": opportunity,
                                                                                    "request": request}))

    html = render(owner)
    assert 'data-testid="task-toggle-0"' in html and 'data-testid="task-toggle-1"' in html
    html = render(presales)
    assert "task-toggle-" not in html and "bi-check-square-fill" in html


def test_the_api_lists_and_ticks(api_as, owner, opportunity, presales, outsider):
    url = f"/api/v1/opportunities/{opportunity.pk}/stage-tasks/"
    client = api_as(owner)
    body = client.get(url).json()
    assert body["stage"] == "01" and [task["done"] for task in body["tasks"]] == [False] * len(body["tasks"])
    body = client.post(url, {"position": 1, "done": True}, format="json").json()
    assert body["tasks"][1]["done"] is True and body["tasks"][1]["done_by"] == owner.pk
    assert client.post(url, {"position": 99, "done": True}, format="json").status_code == 400
    assert api_as(presales).post(url, {"position": 0, "done": True}, format="json").status_code == 403
    assert api_as(outsider).get(url).status_code == 404
    assert api_as(outsider).post(url, {"position": 0, "done": True}, format="json").status_code == 404


def test_the_admin_lists_ticked_tasks_read_only(client, admin_user, owner, opportunity):
    row = services.stage_task_set(opportunity=opportunity, position=0, done=True, by=owner)
    client.force_login(admin_user)
    listing = client.get(reverse("admin:funnel_stagetaskdone_changelist"))
    assert listing.status_code == 200 and row.task in listing.content.decode()
    assert client.get(reverse("admin:funnel_stagetaskdone_add")).status_code == 403
    assert client.post(reverse("admin:funnel_stagetaskdone_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    assert StageTaskDone.objects.filter(pk=row.pk).exists()
