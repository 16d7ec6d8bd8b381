"""403 and 404 are pages in the app's layout, in the reader's language, with the reason the service gave;
an API client still gets JSON (issue 16, item 4)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "heading", "reason"), [
    ("en", "You may not do this", "Baselines are set by an administrator or a manager above"),
    ("zh-hans", "无权执行此操作", "基准"),
])
def test_403_says_why_in_the_layout(client, owner, language, heading, reason):
    owner.language = language
    owner.save(update_fields=["language"])
    client.force_login(owner)
    response = client.get(reverse("funnel:baselines"), {"user": owner.pk})
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-testid="error-page"' in html and 'class="app-sidebar"' in html  # the app's own layout
    assert heading in html and reason in html
    assert "403 Forbidden" not in html


@pytest.mark.parametrize(("language", "heading"), [("en", "Page not found"), ("zh-hans", "页面不存在")])
def test_404_is_the_apps_page(client, owner, language, heading):
    owner.language = language
    owner.save(update_fields=["language"])
    client.force_login(owner)
    response = client.get("/customers/999999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert heading in html and 'data-testid="error-page"' in html
    assert "Not Found</h1>" not in html  # Django's plain page


def test_the_api_keeps_json(client, owner):
    client.force_login(owner)
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
