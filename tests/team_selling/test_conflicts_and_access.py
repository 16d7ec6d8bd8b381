"""Team selling at its edges: an expired session asking for the tab by htmx, the tab without JavaScript, the
administrators' search, two people writing a new plan or marking the same activity, and the rows a service
locks so that a contact, an activity or a person deleted meanwhile is a refusal rather than a failed commit."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Contact
from crm.errors import ConflictError
from opportunities.models import Activity
from team_selling import services as services_selling
from team_selling.models import ContactStrategy, KeyInteraction, MeetingType, TeamPlan
from teams.models import User
from tests.factories import (
    ActivityFactory,
)

pytestmark = pytest.mark.django_db





@pytest.fixture
def done_activity(opportunity):
    return ActivityFactory(opportunity=opportunity, kind="call", subject="采购电话", done_at=timezone.now(),
                           due_at=timezone.now() - timedelta(hours=1))


@pytest.fixture
def in_english(owner):
    owner.language = "en"  # the messages below are checked in English
    owner.save(update_fields=["language"])
    return owner


def _tab(opportunity) -> str:
    return reverse("team_selling:selling-tab", args=[opportunity.pk])


def _detail(opportunity) -> str:
    return reverse("opportunities:opportunity-detail", args=[opportunity.pk])


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- Loading the tab: signed out, without JavaScript, outsiders -----------------------------------

HX = {"HX-Request": "true"}


def test_signed_out_plain_request_goes_to_the_sign_in_and_back_to_the_tab(client, opportunity):
    response = client.get(_tab(opportunity))
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("login")
    assert parse_qs(location.query)["next"] == [_tab(opportunity)]


def test_signed_out_htmx_request_sends_the_whole_browser_to_the_sign_in(client, opportunity):
    """htmx would follow a redirect and swap the sign-in page into the tab: a 204 with HX-Redirect instead,
    back to the page the browser is on."""
    current = f"http://testserver{_detail(opportunity)}?tab=selling&x=1"
    response = client.get(_tab(opportunity), headers={**HX, "HX-Current-URL": current})
    assert response.status_code == 204
    assert response.content == b""
    location = urlsplit(response["HX-Redirect"])
    assert location.path == reverse("login")
    assert parse_qs(location.query)["next"] == [f"{_detail(opportunity)}?tab=selling&x=1"]


@pytest.mark.parametrize("current", ["https://evil.example/phish/", "//evil.example/x", "javascript:alert(1)", ""])
def test_signed_out_htmx_request_never_returns_to_another_site(client, opportunity, current):
    headers = {**HX, "HX-Current-URL": current} if current else HX
    response = client.get(_tab(opportunity), headers=headers)
    assert response.status_code == 204
    assert parse_qs(urlsplit(response["HX-Redirect"]).query)["next"] == [f"{_detail(opportunity)}?tab=selling"]


def test_outsider_gets_404_by_htmx_and_plainly(client, opportunity, outsider):
    client.force_login(outsider)
    assert client.get(_tab(opportunity), headers=HX).status_code == 404
    assert client.get(_tab(opportunity)).status_code == 404


def test_a_sales_team_member_gets_the_tab_by_htmx_and_a_page_without_it(client, opportunity, presales):
    services_selling.team_plan_save(opportunity=opportunity, by=presales, data={"solution": "两期交付"})
    client.force_login(presales)
    fragment = client.get(_tab(opportunity), headers=HX)
    assert fragment.status_code == 200
    assert "两期交付" in fragment.content.decode() and "<html" not in fragment.content.decode()
    assert "HX-Request" in fragment["Vary"]
    # Without htmx (no JavaScript, or back from the sign-in): the same tab in a whole page.
    page = client.get(_tab(opportunity)).content.decode()
    assert "<html" in page and 'data-testid="selling-page"' in page and "两期交付" in page
    assert f'href="{_detail(opportunity)}"' in page


def test_the_opportunity_page_offers_the_tab_page_without_javascript(client, opportunity, owner):
    client.force_login(owner)
    page = client.get(f"{_detail(opportunity)}?tab=selling").content.decode()
    noscript = page[page.index("<noscript>"):page.index("</noscript>")]
    assert f'href="{_tab(opportunity)}"' in noscript


# --- Administration ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["teamplan", "teammeeting", "keyinteraction"])
def test_admin_search_answers(client, admin_user, opportunity, owner, done_activity, name):
    services_selling.team_plan_save(opportunity=opportunity, by=owner, data={"solution": "x"})
    services_selling.team_meeting_schedule(opportunity=opportunity, by=owner, meeting_type=MeetingType.MEETING,
                                           subject="技术交流会", starts_at=timezone.now() + timedelta(days=1))
    services_selling.key_interaction_mark(opportunity=opportunity, activity_id=done_activity.pk, by=owner,
                                          significance="采购确认预算")
    client.force_login(admin_user)
    url = reverse(f"admin:team_selling_{name}_changelist")
    for term, found in ((str(opportunity.pk), True), ("华远二期", True), ("别的商机", False), ("abc", False)):
        response = client.get(url, {"q": term})
        assert response.status_code == 200, term
        assert (response.context["cl"].result_count == 1) is found, term


# --- A new plan written twice ---------------------------------------------------------------------

def test_a_writer_who_saw_no_plan_does_not_overwrite_one_written_meanwhile(opportunity, owner, presales):
    services_selling.team_plan_save(opportunity=opportunity, by=presales, data={"solution": "售前的方案"},
                                    expected_version=0)
    with pytest.raises(ConflictError):
        services_selling.team_plan_save(opportunity=opportunity, by=owner, data={"solution": "我的方案"},
                                        expected_version=0)
    assert TeamPlan.objects.get().solution == "售前的方案"
    # Without a version (API callers that send none), the last writer wins as before.
    plan = services_selling.team_plan_save(opportunity=opportunity, by=owner, data={"solution": "我的方案"})
    assert (plan.solution, plan.version) == ("我的方案", 2)


def test_an_empty_plan_made_for_a_contact_strategy_is_not_a_conflict(opportunity, owner, presales, contact):
    """Adding a contact strategy first makes an empty plan that nobody wrote: a form for a new plan saves."""
    services_selling.contact_strategy_save(opportunity=opportunity, by=presales, contact_id=contact.pk, data={})
    assert TeamPlan.objects.get().version == 0
    plan = services_selling.team_plan_save(opportunity=opportunity, by=owner, data={"solution": "方案"},
                                           expected_version=0)
    assert (plan.solution, plan.version) == ("方案", 1)


def test_the_plan_page_refuses_to_overwrite_a_plan_written_after_it_was_opened(client, opportunity, in_english,
                                                                               presales):
    client.force_login(in_english)
    url = reverse("team_selling:selling-plan", args=[opportunity.pk])
    version = client.get(url).context["form"]["version"].value()  # what the page's hidden field sends
    services_selling.team_plan_save(opportunity=opportunity, by=presales, data={"solution": "售前的方案"})
    response = client.post(url, {"solution": "我的方案", "version": "" if version is None else version})
    assert response.status_code == 400
    assert "The plan was changed meanwhile" in response.content.decode()
    assert TeamPlan.objects.get().solution == "售前的方案"


def test_api_version_0_creates_only(api_as, opportunity, owner, presales):
    url = reverse("v1:team-plan-list")
    response = api_as(presales).post(url, {"opportunity": opportunity.pk, "solution": "A", "version": 0})
    assert response.status_code == 201, response.data
    response = api_as(owner).post(url, {"opportunity": opportunity.pk, "solution": "B", "version": 0})
    assert response.status_code == 409
    assert TeamPlan.objects.get().solution == "A"
    # Without a version: changes the plan, as before.
    assert api_as(owner).post(url, {"opportunity": opportunity.pk, "solution": "B"}).status_code == 200
    assert TeamPlan.objects.get().solution == "B"
    assert api_as(owner).post(url, {"opportunity": opportunity.pk, "version": -1}).status_code == 400


# --- The same activity marked twice --------------------------------------------------------------

def test_marking_from_the_page_what_someone_marked_meanwhile_says_so(client, opportunity, in_english, presales,
                                                                     done_activity):
    client.force_login(in_english)
    assert f'value="{done_activity.pk}"' in client.get(_tab(opportunity), headers=HX).content.decode()
    services_selling.key_interaction_mark(opportunity=opportunity, activity_id=done_activity.pk, by=presales,
                                          significance="售前的理由")
    response = client.post(reverse("team_selling:selling-key-add", args=[opportunity.pk]),
                           {"activity": done_activity.pk, "significance": "我的理由"})
    assert response.status_code == 302
    assert _messages(response) == ["Someone marked this activity at the same time; reload the page."]
    assert KeyInteraction.objects.get().significance == "售前的理由"


def test_the_same_mark_sent_twice_is_one_mark(client, opportunity, in_english, done_activity):
    client.force_login(in_english)
    url = reverse("team_selling:selling-key-add", args=[opportunity.pk])
    for _ in range(2):
        response = client.post(url, {"activity": done_activity.pk, "significance": "关键"})
        assert set(_messages(response)) == {"The interaction is in the log of key interactions."}
    assert list(KeyInteraction.objects.values_list("activity_id", "significance")) == [(done_activity.pk, "关键")]


@pytest.mark.parametrize("activity", ["elsewhere", "planned", "huge"])
def test_marking_an_activity_that_cannot_be_marked_says_why(client, opportunity, in_english, activity):
    activity_id = {"elsewhere": lambda: ActivityFactory(done_at=timezone.now()).pk,
                   "planned": lambda: ActivityFactory(opportunity=opportunity).pk,
                   "huge": lambda: 10**30}[activity]()
    client.force_login(in_english)
    response = client.post(reverse("team_selling:selling-key-add", args=[opportunity.pk]),
                           {"activity": activity_id, "significance": "x"})
    assert response.status_code == 302
    [message] = _messages(response)
    assert "valid choice" not in message and message
    assert not KeyInteraction.objects.exists()


# --- Rows locked before writing ------------------------------------------------------------------
# A contact, activity or person that another transaction deletes while a service checks it and writes a row
# pointing at it must be refused by the service (its row lock makes the deleter wait, or finds the row gone),
# not by PostgreSQL's foreign key check at the commit (a 500). SQLite has no row locks: the fixture lets it
# write the lock clause as a comment, so the tests can see which rows a service reads "for update".

@pytest.fixture
def locks_shown(monkeypatch):
    features, ops = connection.features, connection.ops
    monkeypatch.setattr(features, "has_select_for_update", True)
    monkeypatch.setattr(features, "has_select_for_update_of", True)
    monkeypatch.setattr(features, "has_select_for_no_key_update", True)  # people: teams.services.users_lock
    original = ops.for_update_sql
    monkeypatch.setattr(ops, "for_update_sql", lambda **kwargs: f"/* {original(**kwargs)} */")

    def locked_tables(run) -> set[str]:
        with CaptureQueriesContext(connection) as queries:
            run()
        return {table for query in queries.captured_queries
                if "FOR UPDATE" in query["sql"] or "FOR NO KEY UPDATE" in query["sql"]
                for table in (Contact._meta.db_table, Activity._meta.db_table, User._meta.db_table)
                if query["sql"].startswith("SELECT") and f'FROM "{table}"' in query["sql"]}

    return locked_tables


def test_a_contact_strategy_locks_its_contact(locks_shown, opportunity, owner, contact):
    locked = locks_shown(lambda: services_selling.contact_strategy_save(
        opportunity=opportunity, by=owner, contact_id=contact.pk, data={"actions": "拜访"}))
    assert Contact._meta.db_table in locked
    assert ContactStrategy.objects.get().contact == contact


def test_a_key_interaction_locks_its_activity(locks_shown, opportunity, owner, done_activity):
    locked = locks_shown(lambda: services_selling.key_interaction_mark(
        opportunity=opportunity, activity_id=done_activity.pk, by=owner, significance="关键"))
    assert Activity._meta.db_table in locked


def test_a_meeting_locks_its_contacts_and_attendees(locks_shown, opportunity, owner, presales, contact):
    locked = locks_shown(lambda: services_selling.team_meeting_schedule(
        opportunity=opportunity, by=owner, meeting_type=MeetingType.MEETING, subject="技术交流会",
        starts_at=timezone.now() + timedelta(days=1), attendees=[presales], contacts=[contact]))
    assert {Contact._meta.db_table, User._meta.db_table} <= locked
