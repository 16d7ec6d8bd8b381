"""Sign-in, the workbench, the org chart, the language switch and the security headers."""

import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD, OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    for name in ["home", "teams:org-chart"]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_login_page_in_chinese_by_default(client):
    # An English browser still gets Chinese: new users start in Chinese.
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    html = response.content.decode()
    assert "登录" in html
    assert response.headers["Content-Language"] == "zh-hans"


def test_sign_in_and_out(client, owner):
    response = client.post(reverse("login"), {"username": "owner", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert str(owner) in home.content.decode()
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_shows_message_not_error(client, owner):
    response = client.post(reverse("login"), {"username": "owner", "password": "nope"})
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()


def test_logout_needs_post(client, owner):
    client.force_login(owner)
    assert client.get(reverse("logout")).status_code == 405


def test_login_is_throttled(client, owner, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("login"), {"username": "owner", "password": "nope"})
    response = client.post(reverse("login"), {"username": "owner", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "30" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302  # not signed in


@pytest.mark.parametrize("password", [TEST_PASSWORD, "still-wrong"])
def test_a_locked_out_sign_in_page_says_locked_and_for_how_long_whatever_the_password(client, owner, settings,
                                                                                      password):
    """The styled page in the app's layout with DEBUG off (not a bare 429), the time from the settings, and
    the same answer for the right password and a wrong one."""
    settings.AXES_ENABLED, settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME = True, 3, 0.25
    settings.DEBUG = False
    for _ in range(3):
        client.post(reverse("login"), {"username": "owner", "password": "nope"})
    client.cookies["django_language"] = "en"
    response = client.post(reverse("login"), {"username": "owner", "password": password})
    text = response.content.decode()
    assert response.status_code == 429 and response["Retry-After"] == "900"
    assert 'data-testid="locked-out"' in text and "paused for 15 minutes" in text and "login-card" in text


def test_workbench_shows_reporting_line_and_team(client, manager, owner, teammate):
    client.force_login(manager)
    html = client.get(reverse("home")).content.decode()
    assert str(owner) in html and str(teammate) in html
    client.force_login(owner)
    html = client.get(reverse("home")).content.decode()
    assert str(manager) in html  # the reporting line


def test_language_switch_is_remembered_on_the_person(client, owner):
    client.force_login(owner)
    assert "工作台" in client.get(reverse("home")).content.decode()
    response = client.post(reverse("switch-language"), {"language": "en", "next": reverse("teams:org-chart")})
    assert response.status_code == 302
    assert response.url == reverse("teams:org-chart")
    owner.refresh_from_db()
    assert owner.language == "en"
    html = client.get(reverse("home")).content.decode()
    assert "Workbench" in html and "工作台" not in html
    # Another browser (no cookie) still shows the person's language once signed in.
    client.cookies.clear()
    client.force_login(owner)
    assert "Workbench" in client.get(reverse("home")).content.decode()


def test_language_switch_refuses_foreign_redirects_and_unknown_languages(client, owner):
    client.force_login(owner)
    response = client.post(reverse("switch-language"), {"language": "en", "next": "https://evil.example.com/"})
    assert response.url == reverse("home")
    client.post(reverse("switch-language"), {"language": "xx"})
    owner.refresh_from_db()
    assert owner.language == "en"


def test_anonymous_language_switch_sets_cookie(client):
    client.post(reverse("switch-language"), {"language": "en", "next": reverse("login")})
    assert "Sign in" in client.get(reverse("login")).content.decode()


def test_org_chart_shows_tree(client, owner, django_assert_max_num_queries):
    region = OrgUnitFactory(name="华东区", kind="region")
    for index in range(6):
        team = OrgUnitFactory(name=f"组{index}", parent=region)
        UserFactory.create_batch(3, org_unit=team)
    client.force_login(owner)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("teams:org-chart"))
    html = response.content.decode()
    assert "华东区" in html and "组5" in html


def test_security_headers(client, owner):
    client.force_login(owner)
    response = client.get(reverse("home"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    html = response.content.decode()
    assert "<script>" not in html  # only <script src=...>: the policy forbids inline code
    assert "csrfmiddlewaretoken" in html


def test_healthz(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_admin_screens_for_people_and_units(client, admin_user, owner, team):
    client.force_login(admin_user)
    assert client.get(reverse("admin:teams_user_changelist")).status_code == 200
    assert client.get(reverse("admin:teams_user_change", args=[owner.pk])).status_code == 200
    assert client.get(reverse("admin:teams_orgunit_changelist")).status_code == 200
    assert client.get(reverse("admin:teams_user_history", args=[owner.pk])).status_code == 200
