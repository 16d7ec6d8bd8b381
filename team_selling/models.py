"""Team selling on an opportunity (团队合作销售): the sales team's plan, a relationship strategy per key
contact, the meeting and seminar schedule and the log of key interactions."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Contact
from crm.money import MONEY_FIELD
from opportunities.models import Activity, Opportunity
from teams.models import (
    User,
    signed_in,
)

# Meetings *are* activities of the opportunities app (so they show in the activities tab and on the agenda);
# `TeamMeeting` adds what a meeting plan needs on top of the activity.


class TeamSellingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The team-selling records of every opportunity the viewer can see; nothing else."""
        if not signed_in(user):
            return self.none()
        if user.is_admin:
            return self.all()

        opportunities = Opportunity.objects.visible_to(user)
        return self.filter(opportunity_id__in=opportunities.values("pk"))


class TeamPlan(models.Model):
    """The sales team's plan for one opportunity: who does what, the competition, the customer's needs, the
    solution and configuration, and who may decide prices within which limits."""

    opportunity = models.OneToOneField(Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE,
                                       related_name="team_plan")
    cooperation_strategy = models.TextField(_("cooperation strategy"), blank=True)
    competitive_assessment = models.TextField(_("competitive assessment"), blank=True)
    needs_analysis = models.TextField(_("needs analysis"), blank=True)
    solution = models.TextField(_("solution and configuration"), blank=True)
    pricing_authority = models.ForeignKey(User, verbose_name=_("decides prices"), null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+")
    max_discount = models.DecimalField(_("largest discount (%)"), max_digits=5, decimal_places=2, null=True,
                                       blank=True)
    price_floor = models.DecimalField(_("price floor"), null=True, blank=True, **MONEY_FIELD)
    pricing_notes = models.TextField(_("pricing notes"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(User, verbose_name=_("updated by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(table_name="teams_historicalteamplan", excluded_fields=["updated_at"])

    objects = TeamSellingQuerySet.as_manager()

    class Meta:
        db_table = "teams_teamplan"  # the table from before the app was split out of teams
        verbose_name = _("team selling plan")
        verbose_name_plural = _("team selling plans")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(max_discount__isnull=True)
                                   | (Q(max_discount__gte=0) & Q(max_discount__lte=100)),
                                   name="teamplan_discount_percent"),
            models.CheckConstraint(condition=Q(price_floor__isnull=True) | Q(price_floor__gte=0),
                                   name="teamplan_price_floor_not_negative"),
        ]

    def __str__(self) -> str:
        return str(_("Team plan of opportunity #%(id)s") % {"id": self.opportunity_id})


class Attitude(models.TextChoices):
    """Where a contact stands towards us, from the best to the worst."""

    CHAMPION = "champion", _("Champion: sells for us inside")
    SUPPORTER = "supporter", _("Supporter")
    NEUTRAL = "neutral", _("Neutral")
    UNKNOWN = "unknown", _("Not known yet")
    SKEPTIC = "skeptic", _("Sceptical")
    OPPONENT = "opponent", _("Opposes us")


# Higher is better; "unknown" ranks with "neutral" for comparing current and target.
ATTITUDE_RANK = {Attitude.CHAMPION: 5, Attitude.SUPPORTER: 4, Attitude.NEUTRAL: 3, Attitude.UNKNOWN: 3,
                 Attitude.SKEPTIC: 2, Attitude.OPPONENT: 1}


class ContactStrategy(models.Model):
    """The relationship strategy for one key contact of the opportunity's customer: where they stand, where we
    want them, who in our team covers them and what we will do."""

    plan = models.ForeignKey(TeamPlan, verbose_name=_("team selling plan"), on_delete=models.CASCADE,
                             related_name="contact_strategies")
    # The strategy is about this person: when the contact is deleted, so is the strategy (its history stays).
    contact = models.ForeignKey(Contact, verbose_name=_("contact"), on_delete=models.CASCADE,
                                related_name="team_strategies")
    current_attitude = models.CharField(_("relationship now"), max_length=12, choices=Attitude.choices,
                                        default=Attitude.UNKNOWN)
    target_attitude = models.CharField(_("target relationship"), max_length=12, choices=Attitude.choices,
                                       default=Attitude.SUPPORTER)
    covered_by = models.ForeignKey(User, verbose_name=_("covered by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    actions = models.TextField(_("planned actions"), blank=True)
    updated_by = models.ForeignKey(User, verbose_name=_("updated by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(table_name="teams_historicalcontactstrategy", excluded_fields=["updated_at"])

    class Meta:
        db_table = "teams_contactstrategy"  # the table from before the app was split out of teams
        verbose_name = _("contact strategy")
        verbose_name_plural = _("contact strategies")
        ordering = ["plan", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "contact"], name="contactstrategy_once_per_contact"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.contact_id}"

    @property
    def gap(self) -> int:
        """How many steps the relationship still has to improve (0: at or above the target)."""
        return max(0, ATTITUDE_RANK[self.target_attitude] - ATTITUDE_RANK[self.current_attitude])


class MeetingType(models.TextChoices):
    MEETING = "meeting", _("Customer meeting")
    SEMINAR = "seminar", _("Seminar")
    TECHNICAL_EXCHANGE = "technical_exchange", _("Technical exchange")
    EXECUTIVE_VISIT = "executive_visit", _("Executive visit")
    SITE_VISIT = "site_visit", _("Site or reference visit")
    DEMO = "demo", _("Demonstration")


class TeamMeeting(models.Model):
    """A scheduled customer meeting, seminar or technical exchange of the opportunity's team.

    Time, place, our attendees, their contacts and the outcome live on the activity (`activity`, an
    `opportunities.Activity`); this row adds the type, the agenda and the end time.
    """

    opportunity = models.ForeignKey(Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE,
                                    related_name="team_meetings")
    # The meeting is this activity plus its plan: deleting the activity deletes the meeting.
    activity = models.OneToOneField(Activity, verbose_name=_("activity"), on_delete=models.CASCADE,
                                    related_name="team_meeting")
    meeting_type = models.CharField(_("type"), max_length=20, choices=MeetingType.choices,
                                    default=MeetingType.MEETING)
    agenda = models.TextField(_("agenda"), blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    created_by = models.ForeignKey(User, verbose_name=_("scheduled by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(table_name="teams_historicalteammeeting", excluded_fields=["updated_at"])

    objects = TeamSellingQuerySet.as_manager()

    class Meta:
        db_table = "teams_teammeeting"  # the table from before the app was split out of teams
        verbose_name = _("team meeting")
        verbose_name_plural = _("team meetings")
        ordering = ["opportunity_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_meeting_type_display()} · {self.activity_id}"


class KeyInteraction(models.Model):
    """An activity of the opportunity marked as a key interaction, with why it matters: the log of key
    interactions is these activities in date order."""

    opportunity = models.ForeignKey(Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE,
                                    related_name="key_interactions")
    # Marking an activity as key: deleting the activity deletes the mark.
    activity = models.OneToOneField(Activity, verbose_name=_("activity"), on_delete=models.CASCADE,
                                    related_name="key_interaction")
    significance = models.TextField(_("why it matters"))
    marked_by = models.ForeignKey(User, verbose_name=_("marked by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    marked_at = models.DateTimeField(_("marked at"), auto_now_add=True)
    history = HistoricalRecords(table_name="teams_historicalkeyinteraction")

    objects = TeamSellingQuerySet.as_manager()

    class Meta:
        db_table = "teams_keyinteraction"  # the table from before the app was split out of teams
        verbose_name = _("key interaction")
        verbose_name_plural = _("key interactions")
        ordering = ["-marked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.opportunity_id} · {self.activity_id}"
