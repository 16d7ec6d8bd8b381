"""Every URL of the funnel, page and API, is a 404 for an outsider (someone in another branch), and
changes nothing."""

import pytest

from funnel.models import StageChange

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("path", "query"), [
    ("/funnel/", "user"), ("/funnel/", "org_unit"),
    ("/funnel/stuck/", "user"), ("/funnel/stuck/", "org_unit"),
    ("/funnel/baselines/", "user"), ("/funnel/baselines/", "org_unit"),
])
def test_pages_about_someone_else_are_404(client, outsider, owner, team, director, path, query):
    client.force_login(outsider)
    assert client.get(path, {query: owner.pk if query == "user" else team.pk}).status_code == 404


@pytest.mark.parametrize("suffix", ["move/", "tasks/"])
def test_page_actions_on_someone_elses_opportunity_are_404(client, outsider, opportunity, suffix):
    client.force_login(outsider)
    stage_before = opportunity.stage_id
    url = f"/funnel/opportunities/{opportunity.pk}/{suffix}"
    assert client.post(url, {"stage": "03", "position": "0", "done": "1"}).status_code == 404
    if suffix == "move/":
        assert client.get(url).status_code == 404
    opportunity.refresh_from_db()
    assert opportunity.stage_id == stage_before
    assert not StageChange.objects.filter(opportunity=opportunity, changed_by=outsider).exists()


def test_api_about_someone_elses_opportunity_is_404(api_as, outsider, opportunity):
    client = api_as(outsider)
    base = f"/api/v1/opportunities/{opportunity.pk}"
    assert client.get(f"{base}/stage-changes/").status_code == 404
    assert client.get(f"{base}/stage-tasks/").status_code == 404
    assert client.post(f"{base}/move/", {"stage": "03"}, format="json").status_code == 404
    assert not StageChange.objects.filter(opportunity=opportunity, changed_by=outsider).exists()


def test_baselines_api_about_someone_else_is_404(api_as, outsider, manager, owner, team, director):
    made = api_as(manager).post("/api/v1/funnel/baselines/", {"user": owner.pk, "stage": "02",
                                                               "expected_count": "3"}, format="json")
    assert made.status_code == 201
    url = f"/api/v1/funnel/baselines/{made.json()['id']}/"
    client = api_as(outsider)
    assert client.get(url).status_code == 404
    assert client.patch(url, {"expected_count": "9"}, format="json").status_code == 404
    assert client.delete(url).status_code == 404
    assert client.post("/api/v1/funnel/baselines/", {"org_unit": team.pk, "stage": "02", "expected_count": "1"},
                       format="json").status_code == 404
    assert api_as(manager).get(url).json()["expected_count"] == "3.00"
