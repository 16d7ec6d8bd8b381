"""What the apps hand to the project and to each other from their AppConfig (the layers contract in
pyproject.toml keeps the imports one way; these check the wiring works)."""

import pytest
from django.apps import apps
from django.urls import reverse

from accounts.models import Source
from crm.views import workbench_panels
from teams.models import ASSIGNMENT_SOURCES
from teams.selectors import TERRITORY_FIGURES, territory_list
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

AREAS = ["teams", "accounts", "opportunities", "funnel", "forecasting", "bids", "sales_planning", "team_selling",
         "insights"]


def test_demo_data_is_seeded_area_by_area_lowest_first():
    seeded = [config.name for config in apps.get_app_configs() if hasattr(config, "seed_demo")]
    assert seeded == [area for area in AREAS if area != "teams"]  # teams' own is the command's organisation


def test_every_area_offers_a_workbench_panel_and_the_workbench_shows_them(client):
    assert {config.name for config in apps.get_app_configs() if hasattr(config, "workbench_panel")} == (
        set(AREAS) - {"team_selling", "insights"} | {"crm"})  # crm: the administrators' scheduled jobs
    person = UserFactory()
    templates = [panel["template"] for panel in workbench_panels(person)]
    assert "teams/_workbench.html" in templates and "sales_planning/_sales_workbench.html" in templates
    client.force_login(person)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="subtree-size"' in page  # teams' row, below the areas' cards


def test_accounts_gives_teams_the_customer_sources():
    assert list(Source.choices) == ASSIGNMENT_SOURCES


def test_sales_planning_gives_territories_their_named_account_count(owner):
    assert "account_count" in TERRITORY_FIGURES
    assert "account_count" in str(territory_list(viewer=owner).query).lower()


def test_api_root_names_the_schema_and_the_docs(api, api_as, owner):
    assert api.get("/api/v1/").status_code == 401
    body = api_as(owner).get("/api/v1/").json()
    assert body["schema"].endswith("/api/schema/") and body["docs"].endswith("/api/docs/")


def test_the_platform_app_is_its_own_config_so_its_ready_runs():
    """crm/apps.py holds two AppConfigs: "crm" must still mean CrmConfig (a plain AppConfig skips ready())."""
    from crm.apps import CrmConfig

    assert type(apps.get_app_config("crm")) is CrmConfig
