"""Team selling on an opportunity: the team's plan and pricing authority, a relationship strategy per key contact,
meetings with their outcome, the log of key interactions; who may write (the sales team, the managers above the
primary owner, administrators), who reads (whoever sees the opportunity) and who gets a 404 (everyone else), on
the services, the pages and the API."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from crm.errors import ConflictError, DomainError, PermissionDenied
from opportunities.models import Activity
from team_selling import selectors as selectors_selling
from team_selling import services as services_selling
from team_selling.models import Attitude, ContactStrategy, KeyInteraction, MeetingType, TeamMeeting, TeamPlan
from tests.factories import (
    ActivityFactory,
    ContactFactory,
    ManagerFactory,
    OpportunityFactory,
    TeamMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db



@pytest.fixture
def opportunity(opportunity, director):
    """The shared opportunity, with a director above the owner's manager (three levels up from the owner)."""
    return opportunity




@pytest.fixture
def other_contact(db):
    return ContactFactory(name="别家客户的人")


def _plan(opportunity, by, **data):
    return services_selling.team_plan_save(opportunity=opportunity, by=by,
                                           data={"cooperation_strategy": "张三负责关系", **data})


def _meeting(opportunity, by, *, starts_at=None, **kwargs):
    return services_selling.team_meeting_schedule(
        opportunity=opportunity, by=by, meeting_type=kwargs.pop("meeting_type", MeetingType.TECHNICAL_EXCHANGE),
        subject=kwargs.pop("subject", "技术交流会"), starts_at=starts_at or timezone.now() + timedelta(days=3),
        **kwargs)


# --- Who may write ------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["owner", "presales", "manager", "director", "admin_user"])
def test_the_team_and_the_managers_above_write_the_plan(request, opportunity, presales, who):
    person = request.getfixturevalue(who)
    plan = _plan(opportunity, person, needs_analysis=f"by {who}")
    assert plan.needs_analysis == f"by {who}"
    assert plan.history.first().history_user == person


@pytest.mark.parametrize("who", ["teammate", "outsider"])
def test_others_do_not_write_the_plan(request, opportunity, who):
    with pytest.raises(PermissionDenied):
        _plan(opportunity, request.getfixturevalue(who))
    assert not TeamPlan.objects.exists()


def test_a_stale_version_is_a_conflict_and_history_is_kept(opportunity, owner, presales):
    plan = _plan(opportunity, owner)
    assert plan.version == 1
    plan = services_selling.team_plan_save(opportunity=opportunity, by=presales, data={"solution": "A"},
                                           expected_version=plan.version)
    assert plan.version == 2
    with pytest.raises(ConflictError):
        services_selling.team_plan_save(opportunity=opportunity, by=owner, data={"solution": "B"},
                                        expected_version=1)
    assert TeamPlan.objects.get().solution == "A"
    assert [(h.history_user, h.version) for h in plan.history.order_by("history_id")] == [(owner, 1), (presales, 2)]


# --- Pricing authority --------------------------------------------------------------------------

def test_pricing_authority_is_on_the_team_or_above(opportunity, owner, presales, director, teammate, outsider):
    assert _plan(opportunity, owner, pricing_authority=presales).pricing_authority == presales
    assert _plan(opportunity, owner, pricing_authority=director).pricing_authority == director
    for person in (teammate, outsider):
        with pytest.raises(DomainError) as caught:
            _plan(opportunity, owner, pricing_authority=person)
        assert caught.value.field == "pricing_authority"


def test_price_limits_need_someone_who_decides_and_stay_sane(opportunity, owner, director):
    with pytest.raises(DomainError) as caught:
        _plan(opportunity, owner, max_discount="8")
    assert caught.value.field == "pricing_authority"
    for value in ("-1", "100.5", "abc"):
        with pytest.raises(DomainError) as caught:
            _plan(opportunity, owner, pricing_authority=director, max_discount=value)
        assert caught.value.field == "max_discount"
    with pytest.raises(DomainError) as caught:
        _plan(opportunity, owner, pricing_authority=director, price_floor="1000000.01")
    assert caught.value.field == "price_floor"
    plan = _plan(opportunity, owner, pricing_authority=director, max_discount="8", price_floor="900000")
    assert (plan.max_discount, plan.price_floor) == (Decimal("8.00"), Decimal("900000.00"))


def test_pricing_check_names_the_broken_limits(opportunity, owner, director):
    plan = _plan(opportunity, owner, pricing_authority=director, max_discount="10", price_floor="900000")
    assert services_selling.pricing_check(plan=plan, list_amount=Decimal("1000000"), price=Decimal("950000")) == []
    problems = services_selling.pricing_check(plan=plan, list_amount=Decimal("1000000"), price=Decimal("850000"))
    assert len(problems) == 2  # below the floor and 15% > 10%


# --- Contact strategies -------------------------------------------------------------------------

def test_strategy_only_for_contacts_of_the_opportunitys_customer(opportunity, owner, presales, contact,
                                                                 other_contact):
    strategy = services_selling.contact_strategy_save(
        opportunity=opportunity, by=presales, contact_id=contact.pk,
        data={"current_attitude": Attitude.SKEPTIC, "target_attitude": Attitude.SUPPORTER, "covered_by": owner,
              "actions": "安排技术交流"})
    assert (strategy.plan.opportunity_id, strategy.contact_id, strategy.gap) == (opportunity.pk, contact.pk, 2)
    with pytest.raises(DomainError) as caught:
        services_selling.contact_strategy_save(opportunity=opportunity, by=owner, contact_id=other_contact.pk,
                                               data={})
    assert caught.value.field == "contact"
    # One strategy per contact: saving again changes it.
    services_selling.contact_strategy_save(opportunity=opportunity, by=owner, contact_id=contact.pk,
                                           data={"current_attitude": Attitude.SUPPORTER})
    assert ContactStrategy.objects.get().current_attitude == Attitude.SUPPORTER


def test_strategy_target_and_cover(opportunity, owner, contact, teammate):
    def save(**data):
        return services_selling.contact_strategy_save(opportunity=opportunity, by=owner, contact_id=contact.pk,
                                                      data=data)

    with pytest.raises(DomainError) as caught:
        save(current_attitude=Attitude.SUPPORTER, target_attitude=Attitude.NEUTRAL)
    assert caught.value.field == "target_attitude"
    with pytest.raises(DomainError):
        save(target_attitude=Attitude.UNKNOWN)
    with pytest.raises(DomainError) as caught:
        save(covered_by=teammate)  # not on the sales team
    assert caught.value.field == "covered_by"
    with pytest.raises(DomainError):
        save(current_attitude="friendly")


def test_outsider_cannot_touch_strategies(opportunity, owner, outsider, contact):
    strategy = services_selling.contact_strategy_save(opportunity=opportunity, by=owner, contact_id=contact.pk,
                                                      data={})
    with pytest.raises(PermissionDenied):
        services_selling.contact_strategy_remove(strategy=strategy, by=outsider)
    services_selling.contact_strategy_remove(strategy=strategy, by=owner)
    assert not ContactStrategy.objects.exists()
    assert ContactStrategy.history.filter(history_type="-").count() == 1


# --- Meetings -----------------------------------------------------------------------------------

def test_a_meeting_is_an_activity_on_the_attendees_agenda(opportunity, owner, presales, contact, other_contact):
    meeting = _meeting(opportunity, owner, attendees=[presales], contacts=[contact], place="客户总部",
                       agenda="1. 方案\n2. 报价")
    activity = Activity.objects.get(pk=meeting.activity_id)
    assert (activity.kind, activity.owner, activity.location, activity.opportunity) == (
        "meeting", owner, "客户总部", opportunity)
    assert presales.notifications.filter(kind="meeting_scheduled").count() == 1
    assert not owner.notifications.filter(kind="meeting_scheduled").exists()
    assert list(activity.participants.all()) == [presales]
    assert list(activity.contacts.all()) == [contact]
    assert Activity.objects.visible_to(presales).filter(pk=activity.pk).exists()
    with pytest.raises(DomainError) as caught:
        _meeting(opportunity, owner, contacts=[other_contact])
    assert caught.value.field == "contacts"
    start = timezone.now() + timedelta(days=1)
    with pytest.raises(DomainError) as caught:
        _meeting(opportunity, owner, starts_at=start, ends_at=start - timedelta(hours=1))
    assert caught.value.field == "ends_at"
    with pytest.raises(DomainError):
        _meeting(opportunity, owner, subject="  ")


def test_a_meeting_is_on_the_attendees_agenda_page(client, opportunity, owner, presales):
    start = timezone.now() + timedelta(days=3)
    _meeting(opportunity, owner, attendees=[presales], subject="华东区研讨会", starts_at=start)
    client.force_login(presales)
    response = client.get(reverse("opportunities:agenda"), {"week": timezone.localtime(start).date().isoformat()})
    assert "华东区研讨会" in response.content.decode()


def test_contact_form_starts_from_the_contacts_attitude(client, opportunity, owner, contact):
    contact.attitude = "opponent"
    contact.save(update_fields=["attitude"])
    client.force_login(owner)
    form = client.get(reverse("team_selling:selling-contact-new", args=[opportunity.pk]), {"contact": contact.pk}
                      ).context["form"]
    assert form.initial == {"contact": contact.pk, "current_attitude": "opponent"}


def test_outcome_only_after_the_meeting_and_then_frozen(opportunity, owner, presales):
    meeting = _meeting(opportunity, owner)
    with pytest.raises(DomainError) as caught:
        services_selling.team_meeting_record_outcome(meeting=meeting, by=presales, outcome="好")
    assert caught.value.field == "outcome"
    later = timezone.now() + timedelta(days=4)
    with pytest.raises(DomainError):
        services_selling.team_meeting_record_outcome(meeting=meeting, by=presales, outcome=" ", now=later)
    # A team member who did not organise it records the outcome (the team-selling rule).
    services_selling.team_meeting_record_outcome(meeting=meeting, by=presales, outcome="客户认可方案", key=True,
                                                 significance="技术负责人转为支持", now=later)
    activity = Activity.objects.get(pk=meeting.activity_id)
    assert activity.outcome == "客户认可方案" and activity.done_at == activity.due_at
    assert KeyInteraction.objects.get().significance == "技术负责人转为支持"
    with pytest.raises(ConflictError):
        services_selling.team_meeting_update(meeting=meeting, by=owner, data={"place": "别处"})
    with pytest.raises(ConflictError):
        services_selling.team_meeting_cancel(meeting=meeting, by=owner)


def test_reschedule_and_call_off(opportunity, owner, manager, outsider):
    meeting = _meeting(opportunity, owner)
    new_start = timezone.now() + timedelta(days=10)
    services_selling.team_meeting_update(meeting=meeting, by=manager, data={
        "starts_at": new_start, "meeting_type": MeetingType.SEMINAR, "agenda": "研讨"})
    activity = Activity.objects.get(pk=meeting.activity_id)
    assert (activity.due_at, activity.kind) == (new_start, "seminar")
    assert TeamMeeting.objects.get().agenda == "研讨"
    with pytest.raises(PermissionDenied):
        services_selling.team_meeting_cancel(meeting=meeting, by=outsider)
    services_selling.team_meeting_cancel(meeting=meeting, by=owner)
    assert not TeamMeeting.objects.exists() and not Activity.objects.filter(pk=activity.pk).exists()
    assert TeamMeeting.history.filter(history_type="-").exists()


# --- Key interactions ---------------------------------------------------------------------------

def test_key_interactions_are_done_activities_of_this_opportunity(opportunity, owner, presales):
    done = ActivityFactory(opportunity=opportunity, kind="call", done_at=timezone.now(),
                           due_at=timezone.now() - timedelta(hours=1))
    planned = ActivityFactory(opportunity=opportunity)
    elsewhere = ActivityFactory(done_at=timezone.now())
    with translation.override("en"), pytest.raises(DomainError) as caught:
        services_selling.key_interaction_mark(opportunity=opportunity, activity_id=planned.pk, by=owner,
                                              significance="x")
    assert "taken place" in caught.value.message
    with pytest.raises(DomainError):
        services_selling.key_interaction_mark(opportunity=opportunity, activity_id=elsewhere.pk, by=owner,
                                              significance="x")
    with pytest.raises(DomainError) as caught:
        services_selling.key_interaction_mark(opportunity=opportunity, activity_id=done.pk, by=owner,
                                              significance="")
    assert caught.value.field == "significance"
    services_selling.key_interaction_mark(opportunity=opportunity, activity_id=done.pk, by=presales,
                                          significance="采购确认预算")
    data = selectors_selling.team_selling(viewer=owner, opportunity=opportunity)
    assert [(i.activity.pk, i.significance) for i in data["key_interactions"]] == [(done.pk, "采购确认预算")]
    assert done.pk not in [a.pk for a in data["key_candidates"]]


def test_the_tab_costs_a_constant_number_of_queries(opportunity, owner, presales, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counted():
        with CaptureQueriesContext(connection) as ctx:
            selectors_selling.team_selling(viewer=owner, opportunity=opportunity)
        return len(ctx.captured_queries)

    def grow(n):
        for index in range(n):
            contact = ContactFactory(customer=opportunity.customer)
            services_selling.contact_strategy_save(opportunity=opportunity, by=owner, contact_id=contact.pk,
                                                   data={"covered_by": presales})
            meeting = _meeting(opportunity, owner, attendees=[presales], contacts=[contact])
            services_selling.team_meeting_record_outcome(meeting=meeting, by=owner, outcome=f"结果{index}",
                                                         key=True, now=timezone.now() + timedelta(days=5))
            _meeting(opportunity, owner, attendees=[presales], contacts=[contact])

    grow(1)
    small = counted()
    grow(4)
    assert counted() == small


# --- Pages --------------------------------------------------------------------------------------

def _tab(opportunity):
    """The tab's content, which the opportunity page loads by hx-get (see test_opportunity_page_loads_the_tab)."""
    return reverse("team_selling:selling-tab", args=[opportunity.pk])


def test_opportunity_page_loads_the_tab(client, opportunity, owner, outsider):
    client.force_login(owner)
    page = client.get(f"{reverse('opportunities:opportunity-detail', args=[opportunity.pk])}?tab=selling").content
    assert f'hx-get="{_tab(opportunity)}"'.encode() in page
    client.force_login(outsider)
    assert client.get(f"{reverse('opportunities:opportunity-detail', args=[opportunity.pk])}?tab=selling"
                      ).status_code == 404


def test_tab_for_the_team_a_reader_and_an_outsider(client, opportunity, owner, presales, outsider, contact):
    _plan(opportunity, owner, cooperation_strategy="售前负责演示")
    client.force_login(presales)
    page = client.get(_tab(opportunity)).content.decode()
    assert "售前负责演示" in page and 'data-testid="edit-team-plan"' in page
    top = ManagerFactory(username="top")
    opportunity.primary_owner.manager.manager.manager = top
    opportunity.primary_owner.manager.manager.save(update_fields=["manager"])
    client.force_login(top)  # three levels above the owner: sees and edits
    assert 'data-testid="edit-team-plan"' in client.get(_tab(opportunity)).content.decode()
    client.force_login(outsider)
    assert client.get(_tab(opportunity)).status_code == 404
    assert client.get(reverse("team_selling:selling-plan", args=[opportunity.pk])).status_code == 404


def test_outsider_gets_404_on_every_team_selling_page(client, opportunity, owner, outsider, contact):
    _plan(opportunity, owner)
    strategy = services_selling.contact_strategy_save(opportunity=opportunity, by=owner, contact_id=contact.pk,
                                                      data={"current_attitude": "neutral",
                                                            "target_attitude": "supporter"})
    meeting = _meeting(opportunity, owner)
    done = ActivityFactory(opportunity=opportunity, kind="call", done_at=timezone.now(),
                           due_at=timezone.now() - timedelta(hours=1))
    interaction = services_selling.key_interaction_mark(opportunity=opportunity, activity_id=done.pk, by=owner,
                                                        significance="采购确认预算")
    pk = opportunity.pk
    urls = [reverse("team_selling:selling-plan", args=[pk]), reverse("team_selling:selling-contact-new", args=[pk]),
            reverse("team_selling:selling-contact-edit", args=[pk, strategy.pk]),
            reverse("team_selling:selling-contact-remove", args=[pk, strategy.pk]),
            reverse("team_selling:selling-meeting-new", args=[pk]),
            reverse("team_selling:selling-meeting-edit", args=[pk, meeting.pk]),
            reverse("team_selling:selling-meeting-outcome", args=[pk, meeting.pk]),
            reverse("team_selling:selling-meeting-cancel", args=[pk, meeting.pk]),
            reverse("team_selling:selling-key-add", args=[pk]),
            reverse("team_selling:selling-key-remove", args=[pk, interaction.pk])]
    client.force_login(outsider)
    for url in urls:
        assert client.post(url).status_code == 404, url
    assert ContactStrategy.objects.filter(pk=strategy.pk).exists() and KeyInteraction.objects.filter(
        pk=interaction.pk).exists() and TeamMeeting.objects.filter(pk=meeting.pk).exists()
    # The owner, with a child id of another opportunity or a huge one: 404 too, never a 500.
    other = OpportunityFactory(primary_owner=owner)
    client.force_login(owner)
    assert client.get(reverse("team_selling:selling-contact-edit", args=[other.pk, strategy.pk])).status_code == 404
    assert client.get(reverse("team_selling:selling-meeting-edit", args=[pk, 10**30])).status_code == 404
    assert client.get(reverse("team_selling:selling-plan", args=[10**30])).status_code == 404


def test_a_team_members_boss_sees_nothing(client, opportunity):
    """Visibility follows the primary owner's line and the sales team, not the team members' own lines."""
    member = UserFactory(username="member", manager=ManagerFactory(username="member-boss"))
    TeamMemberFactory(opportunity=opportunity, user=member)
    client.force_login(member.manager)
    assert client.get(_tab(opportunity)).status_code == 404
    client.force_login(member)
    assert client.get(_tab(opportunity)).status_code == 200


@pytest.fixture
def read_only(monkeypatch):
    """Today everyone who sees an opportunity is on its team, above its owner or an administrator (all writers);
    the read-only branch is exercised by refusing the edit right."""
    refuse = lambda **kwargs: False  # noqa: E731
    monkeypatch.setattr(services_selling, "selling_may_edit", refuse)
    monkeypatch.setattr(selectors_selling, "selling_may_edit", refuse)


def test_readers_see_the_tab_without_forms_and_are_refused(client, api_as, opportunity, owner, read_only):
    client.force_login(owner)
    page = client.get(_tab(opportunity)).content.decode()
    assert 'data-testid="selling-read-only"' in page
    assert 'data-testid="edit-team-plan"' not in page and 'data-testid="schedule-meeting"' not in page
    response = client.get(reverse("team_selling:selling-plan", args=[opportunity.pk]))
    assert response.status_code == 302 and response["Location"].endswith("?tab=selling")
    assert client.post(reverse("team_selling:selling-meeting-new", args=[opportunity.pk]), {}).status_code == 302
    response = api_as(owner).post(reverse("v1:team-plan-list"), {"opportunity": opportunity.pk, "solution": "x"})
    assert response.status_code == 403
    assert not TeamPlan.objects.exists()


def test_plan_form_validation_and_save(client, opportunity, owner, teammate):
    owner.language = "en"  # the messages below are checked in English
    owner.save(update_fields=["language"])
    client.force_login(owner)
    url = reverse("team_selling:selling-plan", args=[opportunity.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"max_discount": "5", "version": ""})
    assert response.status_code == 400
    assert "Name who decides prices within these limits." in response.content.decode()
    response = client.post(url, {"max_discount": "150"})
    assert response.status_code == 400
    response = client.post(url, {"cooperation_strategy": "分工", "pricing_authority": owner.pk,
                                 "max_discount": "5", "price_floor": "900000"})
    assert response.status_code == 302 and response["Location"].endswith("?tab=selling#team-plan")
    assert TeamPlan.objects.get().cooperation_strategy == "分工"


def test_contact_meeting_outcome_and_key_pages(client, opportunity, owner, presales, contact, other_contact):
    owner.language = "en"  # the messages below are checked in English
    owner.save(update_fields=["language"])
    client.force_login(owner)
    url = reverse("team_selling:selling-contact-new", args=[opportunity.pk])
    response = client.post(url, {"contact": other_contact.pk, "current_attitude": "neutral",
                                 "target_attitude": "supporter"})
    assert response.status_code == 400
    assert "Choose a contact of this opportunity&#x27;s customer." in response.content.decode()
    response = client.post(url, {"contact": contact.pk, "current_attitude": "supporter",
                                 "target_attitude": "neutral"})
    assert response.status_code == 400
    assert "cannot be worse" in response.content.decode()
    assert client.post(url, {"contact": contact.pk, "current_attitude": "neutral", "target_attitude": "champion",
                             "covered_by": presales.pk, "actions": "高层拜访"}).status_code == 302
    strategy = ContactStrategy.objects.get()
    assert client.post(reverse("team_selling:selling-contact-edit", args=[opportunity.pk, strategy.pk]),
                       {"current_attitude": "supporter", "target_attitude": "champion"}).status_code == 302

    start = timezone.localtime() - timedelta(hours=3)
    response = client.post(reverse("team_selling:selling-meeting-new", args=[opportunity.pk]), {
        "meeting_type": "seminar", "subject": "行业研讨会", "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 400 and "The meeting ends after it starts." in response.content.decode()
    assert client.post(reverse("team_selling:selling-meeting-new", args=[opportunity.pk]), {
        "meeting_type": "seminar", "subject": "行业研讨会", "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "place": "会议中心", "attendees": [presales.pk], "contacts": [contact.pk],
        "agenda": "趋势"}).status_code == 302
    meeting = TeamMeeting.objects.get()
    page = client.get(_tab(opportunity)).content.decode()
    assert "行业研讨会" in page and 'data-testid="record-outcome"' in page  # it has started: outcome due
    outcome_url = reverse("team_selling:selling-meeting-outcome", args=[opportunity.pk, meeting.pk])
    assert client.post(outcome_url, {"outcome": ""}).status_code == 400
    assert client.post(outcome_url, {"outcome": "客户要求报价", "key": "on"}).status_code == 302
    page = client.get(_tab(opportunity)).content.decode()
    assert 'data-testid="meeting-held"' in page and 'data-testid="key-interaction"' in page
    interaction = KeyInteraction.objects.get()
    url = reverse("team_selling:selling-key-remove", args=[opportunity.pk, interaction.pk])
    assert client.post(url).status_code == 302
    assert not KeyInteraction.objects.exists()
    response = client.post(reverse("team_selling:selling-key-add", args=[opportunity.pk]),
                           {"activity": meeting.activity_id, "significance": "关键"})
    assert response.status_code == 302 and KeyInteraction.objects.get().significance == "关键"


# --- API ----------------------------------------------------------------------------------------

def test_api_team_plan_create_update_and_permissions(api_as, opportunity, owner, presales, outsider, teammate,
                                                     director):
    url = reverse("v1:team-plan-list")
    response = api_as(presales).post(url, {"opportunity": opportunity.pk, "solution": "方案A",
                                           "pricing_authority": director.pk, "max_discount": "8.00"})
    assert response.status_code == 201, response.data
    plan_id = response.data["id"]
    assert response.data["max_discount"] == "8.00" and response.data["pricing_authority"] == director.pk
    assert api_as(owner).post(url, {"opportunity": opportunity.pk, "needs_analysis": "扩产"}).status_code == 200
    detail = reverse("v1:team-plan-detail", args=[plan_id])
    response = api_as(owner).patch(detail, {"price_floor": "2000000.00"})
    assert response.status_code == 400 and "price_floor" in response.data
    response = api_as(owner).patch(detail, {"solution": "方案B", "version": 1})
    assert response.status_code == 409
    assert api_as(outsider).get(detail).status_code == 404
    assert api_as(outsider).post(url, {"opportunity": opportunity.pk}).status_code == 404
    assert api_as(outsider).get(url).data["count"] == 0
    assert api_as(teammate).patch(detail, {"solution": "x"}).status_code == 404  # a peer sees nothing


def test_api_contact_strategies_meetings_and_key_interactions(api_as, opportunity, owner, presales, contact,
                                                              other_contact, outsider):
    client = api_as(presales)
    response = client.post(reverse("v1:contact-strategy-list"), {
        "opportunity": opportunity.pk, "contact": other_contact.pk})
    assert response.status_code == 400 and "contact" in response.data
    response = client.post(reverse("v1:contact-strategy-list"), {
        "opportunity": opportunity.pk, "contact": contact.pk, "current_attitude": "skeptic",
        "target_attitude": "supporter", "covered_by": owner.pk})
    assert response.status_code == 201 and response.data["gap"] == 2
    strategy_url = reverse("v1:contact-strategy-detail", args=[response.data["id"]])
    assert client.patch(strategy_url, {"target_attitude": "opponent"}).status_code == 400
    assert api_as(outsider).delete(strategy_url).status_code == 404

    start = timezone.now() - timedelta(hours=2)
    response = client.post(reverse("v1:team-meeting-list"), {
        "opportunity": opportunity.pk, "meeting_type": "technical_exchange", "subject": "技术交流",
        "starts_at": start.isoformat(), "attendees": [owner.pk], "contacts": [contact.pk], "agenda": "方案"})
    assert response.status_code == 201, response.data
    assert response.data["attendees"] == [presales.pk, owner.pk] and response.data["contacts"] == [contact.pk]
    meeting_url = reverse("v1:team-meeting-detail", args=[response.data["id"]])
    assert client.post(meeting_url + "outcome/", {"outcome": ""}).status_code == 400
    response = client.post(meeting_url + "outcome/", {"outcome": "认可", "key": True})
    assert response.status_code == 200 and response.data["held_at"] is not None
    assert client.delete(meeting_url).status_code == 409
    log = client.get(reverse("v1:key-interaction-list"), {"opportunity": opportunity.pk}).data
    assert [row["subject"] for row in log["results"]] == ["技术交流"]
    assert api_as(outsider).get(meeting_url).status_code == 404
    assert api_as(outsider).get(reverse("v1:key-interaction-list")).data["count"] == 0
    later = (timezone.now() + timedelta(days=2)).isoformat()
    future = client.post(reverse("v1:team-meeting-list"), {
        "opportunity": opportunity.pk, "subject": "研讨会", "starts_at": later, "meeting_type": "seminar"}).data
    response = client.post(reverse("v1:team-meeting-detail", args=[future["id"]]) + "outcome/", {"outcome": "x"})
    assert response.status_code == 400 and "outcome" in response.data
    assert client.delete(reverse("v1:team-meeting-detail", args=[future["id"]])).status_code == 204


def test_api_lists_cost_constant_queries(api_as, opportunity, owner, presales, django_assert_max_num_queries):
    for index in range(6):
        contact = ContactFactory(customer=opportunity.customer)
        services_selling.contact_strategy_save(opportunity=opportunity, by=owner, contact_id=contact.pk, data={})
        _meeting(opportunity, owner, attendees=[presales], contacts=[contact], subject=f"会议{index}")
    client = api_as(owner)
    for path in ("v1:team-meeting-list", "v1:contact-strategy-list", "v1:team-plan-list"):
        with django_assert_max_num_queries(12):
            small = client.get(reverse(path), {"page_size": 2})
        with django_assert_max_num_queries(12):
            large = client.get(reverse(path), {"page_size": 50})
        assert small.status_code == large.status_code == 200


def test_anonymous_gets_401(api, opportunity):
    assert api.get(reverse("v1:team-plan-list")).status_code == 401
    assert api.get(reverse("v1:team-meeting-list")).status_code == 401


def test_admin_lists_team_selling_read_only(client, admin_user, opportunity, owner, contact):
    services_selling.contact_strategy_save(opportunity=opportunity, by=owner, contact_id=contact.pk, data={})
    _meeting(opportunity, owner)
    client.force_login(admin_user)
    plan = TeamPlan.objects.get()
    for name in ("teamplan", "teammeeting", "keyinteraction"):
        assert client.get(reverse(f"admin:team_selling_{name}_changelist")).status_code == 200
    assert client.get(reverse("admin:team_selling_teamplan_change", args=[plan.pk])).status_code == 200
    assert client.get(reverse("admin:team_selling_teamplan_add")).status_code == 403


def test_only_the_team_superiors_and_my_own_people_are_invited(api_as, opportunity, owner, presales, outsider,
                                                                manager):
    # An attendee sees the meeting and the opportunity's name: nobody from another branch.
    with pytest.raises(DomainError) as caught:
        _meeting(opportunity, owner, attendees=[presales, outsider])
    assert caught.value.field == "attendees"
    assert not outsider.notifications.filter(kind="meeting_scheduled").exists()
    meeting = _meeting(opportunity, owner, attendees=[presales, manager])  # the team and the owner's manager
    response = api_as(owner).patch(reverse("v1:team-meeting-detail", args=[meeting.pk]),
                                   {"attendees": [presales.pk, outsider.pk]}, format="json")
    assert response.status_code == 400
    # A change within the pool is accepted.
    response = api_as(owner).patch(reverse("v1:team-meeting-detail", args=[meeting.pk]),
                                   {"attendees": [presales.pk, manager.pk], "place": "会议室"}, format="json")
    assert response.status_code == 200, response.data
    response = api_as(owner).post(reverse("v1:team-meeting-list"), {
        "opportunity": opportunity.pk, "meeting_type": "meeting", "subject": "外人",
        "starts_at": (timezone.now() + timedelta(days=1)).isoformat(), "attendees": [outsider.pk]}, format="json")
    assert response.status_code == 400 and "attendees" in str(response.data)
