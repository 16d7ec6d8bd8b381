"""The admin reads like the app (issue 16, item 5): the project's name as title, the stage outcome "open" as
进行中 (not the button's 打开), customers as 客户, entry requirements by their labels, a field message for an
impossible probability, django-axes in Chinese, and an icon on every admin page."""

import pytest
from django.urls import reverse
from django.utils import translation

from opportunities.models import Stage, StageOutcome
from tests.factories import AdminFactory, stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(db):
    return AdminFactory(username="admin-reader")  # Chinese, the default language


def page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_admin_index_names_the_project_translates_axes_and_links_the_icon(client, administrator):
    html = page(client, administrator, reverse("admin:index"))
    assert "大客户销售管理" in html and "Django" not in html
    assert "登录保护" in html and "登录尝试" in html and "登录日志" in html
    assert "Access attempts" not in html and "Access logs" not in html
    assert "客户数" not in html and ">客户<" in html
    assert 'rel="icon"' in html and "favicon.svg" in html


def test_favicon_ico_answers_instead_of_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and "favicon" in response["Location"]


def test_the_stage_outcome_open_is_in_progress_not_the_button():
    with translation.override("zh-hans"):
        assert str(StageOutcome.OPEN.label) == "进行中"
        assert translation.gettext("Open") == "打开"  # the button keeps its word
    with translation.override("en"):
        assert str(StageOutcome.OPEN.label) == "Open"


def test_the_stage_list_shows_requirement_labels_not_codes(client, administrator):
    row = stage("03")
    row.requirements = ["assessment_done"]
    row.save(update_fields=["requirements"])
    html = page(client, administrator, reverse("admin:opportunities_stage_changelist"))
    assert "assessment_done" not in html
    with translation.override("zh-hans"):
        assert translation.gettext("Opportunity assessment done") in html


def test_a_probability_above_100_is_a_field_message(client, administrator):
    row = stage("05")
    client.force_login(administrator)
    data = {"code": row.code, "name_zh": row.name_zh, "name_en": row.name_en, "order": row.order,
            "probability": 150, "outcome": row.outcome, "active": "on", "stuck_after_days": ""}
    response = client.post(reverse("admin:opportunities_stage_change", args=[row.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200
    with translation.override("zh-hans"):
        assert translation.gettext("The win probability is a percentage from 0 to 100.") in html
    assert "stage_probability_percent" not in html
    assert Stage.objects.get(pk=row.pk).probability == row.probability


def test_a_probability_above_100_in_the_list_is_a_field_message(client, administrator):
    row = stage("05")
    client.force_login(administrator)
    rows = list(Stage.objects.order_by("order", "id"))
    data = {"form-TOTAL_FORMS": len(rows), "form-INITIAL_FORMS": len(rows), "_save": "1"}
    for index, each in enumerate(rows):
        data |= {f"form-{index}-id": each.pk, f"form-{index}-order": each.order,
                 f"form-{index}-probability": 150 if each.pk == row.pk else each.probability}
        if each.active:
            data[f"form-{index}-active"] = "on"
    html = client.post(reverse("admin:opportunities_stage_changelist"), data).content.decode()
    assert "stage_probability_percent" not in html
    assert Stage.objects.get(pk=row.pk).probability == row.probability
