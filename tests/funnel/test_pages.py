"""The funnel pages: the funnel of a person or unit (owner, manager, outsider, anonymous), the drill-down,
manual baselines, the move from the opportunity page (plain and HTMX), the stage panel and the workbench."""

import dataclasses
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from crm.views import workbench_panels
from funnel import services
from funnel.models import Baseline, StageChange
from opportunities.models import Opportunity
from tests.factories import BaselineFactory, OpportunityFactory, stage

pytestmark = pytest.mark.django_db

FUNNEL = "/funnel/"


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(FUNNEL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_my_funnel_shows_stages_health_and_the_chart_data(client, owner, opportunity):
    BaselineFactory(user=owner, stage=stage("01"), expected_count=Decimal("2.00"))
    client.force_login(owner)
    response = client.get(FUNNEL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="funnel-chart"' in page and 'id="funnel-data"' in page
    assert response.context["holder"].user == owner
    rows = {row.stage.code: row for row in response.context["rows"]}
    assert rows["01"].figure.count == 1 and rows["01"].count_status == "warning"  # 1 of 2
    assert "预警" in page and "无基准" in page
    # Chart data travels as JSON (json_script), never as an inline script the policy would block.
    assert page.count("<script") == page.count("<script src=") + page.count('<script id="funnel-')


def test_a_manager_starts_on_their_unit_and_drills_down(client, manager, director, team, owner, opportunity):
    client.force_login(director)
    response = client.get(FUNNEL)
    assert response.context["holder"].org_unit == team.parent
    assert team in response.context["drill"]["units"]
    response = client.get(FUNNEL, {"org_unit": team.pk})
    assert response.status_code == 200 and owner in response.context["drill"]["people"]
    assert [step.label for step in response.context["drill"]["path"]] == [str(team.parent)]
    response = client.get(FUNNEL, {"user": owner.pk, "measure": "amount"})
    assert response.status_code == 200 and response.context["measure"] == "amount"
    assert [step.user for step in response.context["drill"]["path"]] == [director, manager]


@pytest.mark.parametrize(("who", "query", "code"), [
    ("outsider", "user", 404), ("outsider", "org_unit", 404), ("teammate", "user", 404), ("owner", "org_unit", 404),
    ("manager", "user", 200), ("admin_user", "org_unit", 200),
])
def test_outside_my_subtree_is_404(request, client, owner, team, director, who, query, code):
    client.force_login(request.getfixturevalue(who))
    target = owner.pk if query == "user" else team.pk
    assert client.get(FUNNEL, {query: target}).status_code == code


def test_the_funnel_page_costs_a_constant_number_of_queries(client, director, team, manager,
                                                            django_assert_max_num_queries):
    from tests.factories import UserFactory

    for index in range(10):
        person = UserFactory(username=f"am{index}", org_unit=team, manager=manager)
        OpportunityFactory(primary_owner=person, stage=stage("0" + str(1 + index % 7)))
    client.force_login(director)
    with django_assert_max_num_queries(30):
        assert client.get(FUNNEL, {"org_unit": team.pk}).status_code == 200


def test_baselines_page_for_a_manager_not_for_oneself(client, manager, owner, director):
    client.force_login(owner)
    assert client.get(reverse("funnel:baselines"), {"user": owner.pk}).status_code == 403
    client.force_login(manager)
    url = f"{reverse('funnel:baselines')}?user={owner.pk}"
    assert client.get(url).status_code == 200
    data = {f"count-{stage('03').pk}": "4", f"amount-{stage('05').pk}": "800000"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert Baseline.objects.get(user=owner, stage=stage("03")).expected_count == Decimal("4.00")
    assert Baseline.objects.get(user=owner, stage=stage("05")).expected_amount == Decimal("800000.00")
    client.post(url, {f"count-{stage('03').pk}": "", f"amount-{stage('05').pk}": "800000"})
    assert not Baseline.objects.filter(user=owner, stage=stage("03")).exists()
    response = client.post(url, {f"count-{stage('03').pk}": "-2"})
    assert response.status_code == 400 and not Baseline.objects.filter(user=owner, stage=stage("03")).exists()


def test_one_click_move_redirects_back_with_a_message(client, owner, opportunity):
    client.force_login(owner)
    url = reverse("funnel:opportunity-move", args=[opportunity.pk])
    response = client.post(url, {"stage": "02", "next": "/opportunities/?x=1"})
    assert response.status_code == 302 and response["Location"] == "/opportunities/?x=1"
    assert Opportunity.objects.get(pk=opportunity.pk).stage.code == "02"
    response = client.post(url, {"stage": "04", "next": "https://evil.example.com/"})
    assert response["Location"] == opportunity.get_absolute_url()  # refused, and never off-site
    assert Opportunity.objects.get(pk=opportunity.pk).stage.code == "02"


def test_htmx_move_returns_the_refreshed_panel(client, owner, opportunity):
    client.force_login(owner)
    url = reverse("funnel:opportunity-move", args=[opportunity.pk])
    response = client.post(url, {"stage": "02"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Trigger"] == "funnelMoved"
    assert 'data-testid="funnel-stage-panel"' in response.content.decode()
    refused = client.post(url, {"stage": "08"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 400 and 'data-testid="move-error"' in refused.content.decode()


def test_move_page_for_lost_with_a_reason(client, owner, opportunity):
    client.force_login(owner)
    url = reverse("funnel:opportunity-move", args=[opportunity.pk])
    assert client.get(url, {"stage": "08", "outcome": "lost"}).status_code == 200
    response = client.post(url, {"form": "page", "choice": "08|lost", "loss_reason": ""})
    assert response.status_code == 400
    response = client.post(url, {"form": "page", "choice": "08|lost", "loss_reason": "技术指标未满足",
                                 "competitor": "西门子"})
    assert response.status_code == 302
    assert StageChange.objects.get(opportunity=opportunity).loss_reason == "技术指标未满足"


@pytest.mark.parametrize(("who", "code"), [("presales", 302), ("outsider", 404), ("teammate", 404)])
def test_move_page_refuses_others(request, client, opportunity, presales, who, code):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("funnel:opportunity-move", args=[opportunity.pk]), {"stage": "02"})
    assert response.status_code == code
    assert Opportunity.objects.get(pk=opportunity.pk).stage.code == "01"


def _render_panel(opportunity, user):
    request = RequestFactory().get(f"/opportunities/{opportunity.pk}/")
    request.user = user
    return Template('{% include "funnel/_stage_path.html" %}').render(Context({"opportunity": opportunity,
                                                                                "request": request}))


def test_stage_panel_is_clickable_for_the_owner_only(owner, presales, opportunity):
    html = _render_panel(opportunity, owner)
    assert 'data-testid="move-02"' in html and 'data-testid="move-won"' in html and "mark-lost" in html
    assert "识别客户方的关键联系人" in html  # stage 01's checklist
    assert 'data-testid="days-in-stage"' in html
    assert "bi-lock-fill" in html  # stage 04 needs the assessment
    html = _render_panel(opportunity, presales)
    assert 'data-testid="move-02"' not in html and "mark-lost" not in html


def test_stage_panel_of_a_lost_opportunity_shows_the_reason(owner, manager, opportunity):
    services.opportunity_move(opportunity=opportunity, stage_code="08", outcome="lost", by=owner,
                              loss_reason="客户预算取消", competitor="华为")
    opportunity.refresh_from_db()
    html = _render_panel(opportunity, owner)
    assert "客户预算取消" in html and "华为" in html and 'data-testid="move-02"' not in html
    assert 'data-testid="move-02"' in _render_panel(opportunity, manager)  # a superior may reopen


def test_the_template_tag_renders_the_same_panel(owner, opportunity):
    request = RequestFactory().get("/")
    request.user = owner
    html = Template("{% load funnel_tags %}{% funnel_stage_path opportunity %}").render(
        Context({"opportunity": opportunity, "request": request}))
    assert 'data-testid="stage-path"' in html


def test_workbench_panel_for_owner_and_manager(owner, manager, director, opportunity):
    from datetime import timedelta

    from django.utils import timezone

    Opportunity.objects.filter(pk=opportunity.pk).update(created_at=timezone.now() - timedelta(days=45))
    services.stage_entries_backfill()  # the factory skips the creation service, as an import would
    BaselineFactory(user=owner, stage=stage("02"), expected_count=Decimal("3.00"))
    panel = next(p for p in workbench_panels(owner) if p["template"] == "funnel/_workbench.html")
    assert [row.stage.code for row in panel["warnings"]] == ["02"]
    assert [o.pk for o in panel["stuck"]] == [opportunity.pk]
    services.funnel_snapshot_take()
    panel = next(p for p in workbench_panels(manager) if p["template"] == "funnel/_workbench.html")
    assert panel["manages"] and [item["holder"].user for item in panel["subtree_warnings"]] == [owner]


def test_home_page_shows_the_funnel_panel(client, owner, opportunity):
    client.force_login(owner)
    assert 'data-testid="funnel-panel"' in client.get("/").content.decode()


@pytest.mark.parametrize(("language", "short"), [("zh-hans", "¥1,234.6万"), ("en", "¥12.3M")])
def test_the_summary_tiles_count_in_the_readers_units_with_the_exact_figure_on_hover(client, owner, language, short):
    OpportunityFactory(primary_owner=owner, amount=Decimal("12345678.00"))
    client.force_login(owner)
    client.cookies["django_language"] = language
    owner.language = language
    owner.save(update_fields=["language"])
    page = client.get(FUNNEL).content.decode()
    tile = page.split('data-testid="funnel-total-amount"', 1)[1].split("</div>", 1)[0]
    assert tile == f' title="¥12,345,678.00">{short}'


def test_the_stage_path_checks_each_requirement_once_however_many_stages_need_it(owner, monkeypatch):
    """Stages 02 to 08 all need the assessment (every forward move passes 02): it is asked once for the page."""
    from funnel import selectors as funnel_selectors
    from opportunities import stage_requirements
    from opportunities.models import Stage

    Stage.objects.filter(outcome="open").exclude(code="01").update(requirements=["assessment_done"])
    opportunity = OpportunityFactory(primary_owner=owner, stage=stage("01"))
    asked = []
    original = stage_requirements.REQUIREMENTS["assessment_done"]
    monkeypatch.setitem(stage_requirements.REQUIREMENTS, "assessment_done", dataclasses.replace(
        original, check=lambda opp: asked.append(opp.pk) or original.check(opp)))
    panel = funnel_selectors.stage_panel(opportunity=opportunity, viewer=owner)
    assert len(asked) == 1
    todo = [step for step in panel["path"] if step.state == "todo"]
    assert len(todo) == 6 and all(step.blocked == [str(original.check(opportunity))] for step in todo)
    assert panel["won_blocked"] == [str(original.check(opportunity))]
