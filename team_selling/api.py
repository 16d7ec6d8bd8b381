"""REST API of team selling on an opportunity: `team-plans/`, `contact-strategies/`, `team-meetings/` and
`key-interactions/`. Thin: the rules are in team_selling/services.py, the reads in team_selling/selectors.py.

Whoever sees the opportunity reads; its sales team, the managers above its primary owner and administrators
write (403 for the other readers); an opportunity the caller cannot see is a 404.
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from accounts.models import Contact
from crm.api import ModelSerializer, validated
from crm.idempotency import IdempotentWrites
from crm.params import IdFilter
from opportunities.models import Opportunity
from team_selling import selectors as selectors_selling
from team_selling import services as services_selling
from team_selling.models import Attitude, ContactStrategy, KeyInteraction, MeetingType, TeamMeeting, TeamPlan
from teams.models import User


def _opportunity(request, pk):
    """The opportunity if the caller can see it, else 404 (never reveal another team's records)."""
    opportunity = (Opportunity.objects.visible_to(request.user).select_related("primary_owner", "customer")
                   .filter(pk=pk).first() if pk is not None else None)
    if opportunity is None:
        raise NotFound()
    return opportunity


ATTITUDE_HELP = "From the best: champion > supporter > neutral = unknown > skeptic > opponent."
# A target is never "unknown" (the service refuses it), so the two fields have their own choice sets.
TARGET_ATTITUDES = [(value, label) for value, label in Attitude.choices if value != Attitude.UNKNOWN]


def attitude_field(**kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=Attitude.choices, help_text=ATTITUDE_HELP, **kwargs)


def target_attitude_field(**kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=TARGET_ATTITUDES, help_text=ATTITUDE_HELP, **kwargs)


class OpportunityFilter(django_filters.FilterSet):
    opportunity = IdFilter(field_name="opportunity_id")


# --- Team plans ---------------------------------------------------------------------------------

class ContactStrategySerializer(ModelSerializer):
    opportunity = serializers.IntegerField(source="plan.opportunity_id", read_only=True)
    contact = serializers.IntegerField(source="contact_id", read_only=True)
    current_attitude = attitude_field(read_only=True)
    target_attitude = target_attitude_field(read_only=True)
    gap = serializers.IntegerField(read_only=True, help_text="Steps the relationship still has to improve.")

    class Meta:
        model = ContactStrategy
        fields = ["id", "plan", "opportunity", "contact", "current_attitude", "target_attitude", "gap",
                  "covered_by", "actions", "updated_by", "created_at", "updated_at"]
        read_only_fields = fields


class TeamPlanSerializer(ModelSerializer):
    opportunity = serializers.IntegerField(source="opportunity_id", read_only=True)
    contact_strategies = ContactStrategySerializer(many=True, read_only=True)

    class Meta:
        model = TeamPlan
        fields = ["id", "opportunity", "cooperation_strategy", "competitive_assessment", "needs_analysis",
                  "solution", "pricing_authority", "max_discount", "price_floor", "pricing_notes", "version",
                  "updated_by", "created_at", "updated_at", "contact_strategies"]
        read_only_fields = fields


class TeamPlanInputSerializer(serializers.Serializer):
    opportunity = serializers.IntegerField(help_text="Only on creation.")
    cooperation_strategy = serializers.CharField(required=False, allow_blank=True,
                                                 help_text="Who in the team does what.")
    competitive_assessment = serializers.CharField(required=False, allow_blank=True)
    needs_analysis = serializers.CharField(required=False, allow_blank=True)
    solution = serializers.CharField(required=False, allow_blank=True, help_text="Solution and configuration.")
    pricing_authority = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True,
        help_text="Who decides prices: on the sales team or a manager above the primary owner.")
    max_discount = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True,
                                            help_text="Largest discount off the list price, in %.")
    price_floor = serializers.DecimalField(max_digits=18, decimal_places=2, required=False, allow_null=True)
    pricing_notes = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(
        required=False, min_value=0,
        help_text="The version you saw; a stale one gives 409. 0: you saw no plan, so a plan someone wrote "
                  "meanwhile gives 409 instead of being overwritten. Left out: no check, the last writer wins.")


class TeamPlanUpdateSerializer(TeamPlanInputSerializer):
    opportunity = None


def _plan_data(data: dict) -> dict:
    return {key: value for key, value in data.items() if key in services_selling.PLAN_FIELDS}


class TeamPlanViewSet(IdempotentWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The sales team's plan of an opportunity (one per opportunity): cooperation strategy, competitive
    assessment, needs analysis, solution and configuration, and the pricing authority (who decides prices, the
    largest discount, the price floor), with the relationship strategy per key contact. `POST` with the
    opportunity creates the plan or changes the existing one."""

    serializer_class = TeamPlanSerializer
    filterset_class = OpportunityFilter
    ordering_fields = ["updated_at"]

    def get_queryset(self):
        return selectors_selling.team_plan_list(viewer=self.request.user)

    def _out(self, plan: TeamPlan, status_code: int = 200) -> Response:
        return Response(TeamPlanSerializer(self.get_queryset().get(pk=plan.pk)).data, status=status_code)

    @extend_schema(request=TeamPlanInputSerializer, responses={201: TeamPlanSerializer, 200: TeamPlanSerializer})
    def create(self, request):
        data = validated(TeamPlanInputSerializer, request)
        opportunity = _opportunity(request, data["opportunity"])
        existed = TeamPlan.objects.filter(opportunity_id=opportunity.pk).exists()
        plan = services_selling.team_plan_save(opportunity=opportunity, by=request.user, data=_plan_data(data),
                                               expected_version=data.get("version"))
        return self._out(plan, 200 if existed else 201)

    @extend_schema(request=TeamPlanUpdateSerializer, responses=TeamPlanSerializer)
    def partial_update(self, request, pk=None):
        plan = self.get_object()
        data = validated(TeamPlanUpdateSerializer, request, partial=True)
        opportunity = _opportunity(request, plan.opportunity_id)
        plan = services_selling.team_plan_save(opportunity=opportunity, by=request.user, data=_plan_data(data),
                                               expected_version=data.get("version"))
        return self._out(plan)


# --- Contact strategies -------------------------------------------------------------------------

class ContactStrategyInputSerializer(serializers.Serializer):
    opportunity = serializers.IntegerField(help_text="Only on creation.")
    contact = serializers.IntegerField(help_text="A contact of the opportunity's customer. Only on creation.")
    current_attitude = attitude_field(required=False)
    target_attitude = target_attitude_field(required=False)
    covered_by = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True,
                                                    help_text="Who of the team covers the contact.")
    actions = serializers.CharField(required=False, allow_blank=True, help_text="The planned actions.")


class ContactStrategyUpdateSerializer(ContactStrategyInputSerializer):
    opportunity = None
    contact = None


class ContactStrategyFilter(django_filters.FilterSet):
    opportunity = IdFilter(field_name="plan__opportunity_id")
    contact = IdFilter(field_name="contact_id")

    class Meta:
        model = ContactStrategy
        fields = ["plan", "opportunity", "contact", "covered_by"]


class ContactStrategyViewSet(IdempotentWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The relationship strategy per key contact of an opportunity's customer: the relationship now and the
    target (never worse), who of the team covers the contact, the planned actions. `POST` for a contact that
    has one already changes it."""

    serializer_class = ContactStrategySerializer
    filterset_class = ContactStrategyFilter

    def get_queryset(self):
        return selectors_selling.contact_strategy_list(viewer=self.request.user)

    @extend_schema(request=ContactStrategyInputSerializer, responses={201: ContactStrategySerializer})
    def create(self, request):
        data = dict(validated(ContactStrategyInputSerializer, request))
        opportunity = _opportunity(request, data.pop("opportunity"))
        strategy = services_selling.contact_strategy_save(opportunity=opportunity, by=request.user,
                                                          contact_id=data.pop("contact"), data=data)
        return Response(ContactStrategySerializer(self.get_queryset().get(pk=strategy.pk)).data, status=201)

    @extend_schema(request=ContactStrategyUpdateSerializer, responses=ContactStrategySerializer)
    def partial_update(self, request, pk=None):
        strategy = self.get_object()
        data = validated(ContactStrategyUpdateSerializer, request, partial=True)
        strategy = services_selling.contact_strategy_update(strategy=strategy, by=request.user, data=data)
        return Response(ContactStrategySerializer(self.get_queryset().get(pk=strategy.pk)).data)

    def perform_destroy(self, instance):
        services_selling.contact_strategy_remove(strategy=instance, by=self.request.user)


# --- Meetings -----------------------------------------------------------------------------------

class TeamMeetingSerializer(ModelSerializer):
    opportunity = serializers.IntegerField(source="opportunity_id", read_only=True)
    activity = serializers.IntegerField(source="activity_id", read_only=True,
                                        help_text="The activity (activities/) that carries the meeting.")
    subject = serializers.CharField(source="activity.subject", read_only=True)
    starts_at = serializers.DateTimeField(source="activity.due_at", read_only=True)
    place = serializers.CharField(source="activity.location", read_only=True)
    organiser = serializers.IntegerField(source="activity.owner_id", read_only=True)
    attendees = serializers.SerializerMethodField(help_text="Our people: the organiser and the other attendees.")
    contacts = serializers.SerializerMethodField(help_text="The customer's contacts.")
    outcome = serializers.CharField(source="activity.outcome", read_only=True)
    held_at = serializers.DateTimeField(source="activity.done_at", read_only=True, allow_null=True)

    class Meta:
        model = TeamMeeting
        fields = ["id", "opportunity", "activity", "meeting_type", "subject", "starts_at", "ends_at", "place",
                  "organiser", "attendees", "contacts", "agenda", "outcome", "held_at", "created_by", "created_at",
                  "updated_at"]
        read_only_fields = fields

    def get_attendees(self, meeting) -> list[int]:
        activity = meeting.activity
        return [activity.owner_id, *[p.pk for p in activity.participants.all() if p.pk != activity.owner_id]]

    def get_contacts(self, meeting) -> list[int]:
        return [c.pk for c in meeting.activity.contacts.all()]


class TeamMeetingInputSerializer(serializers.Serializer):
    opportunity = serializers.IntegerField(help_text="Only on creation.")
    meeting_type = serializers.ChoiceField(choices=MeetingType.choices, default=MeetingType.MEETING)
    subject = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    place = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    attendees = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True, required=False,
                                                   default=list, help_text="Our attendees besides the organiser.")
    contacts = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                     help_text="Contacts of the opportunity's customer.")
    agenda = serializers.CharField(required=False, allow_blank=True, default="")


class TeamMeetingUpdateSerializer(TeamMeetingInputSerializer):
    opportunity = None


class MeetingOutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    key = serializers.BooleanField(default=False, help_text="Also put it in the log of key interactions.")
    significance = serializers.CharField(required=False, allow_blank=True, default="")


def _contacts(opportunity, ids: list[int]) -> list:
    """The contacts named by id, each of the opportunity's customer (else 400 from the service)."""
    found = {c.pk: c for c in Contact.objects.filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise serializers.ValidationError({"contacts": [_("Choose contacts of this opportunity's customer.")]})
    return [found[pk] for pk in ids]


class TeamMeetingViewSet(IdempotentWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                         viewsets.GenericViewSet):
    """The schedule of customer meetings, seminars and technical exchanges of an opportunity's team. Each is an
    activity of the opportunity (so it is on the attendees' agenda) with a type, an agenda and an end time.
    `outcome/` records what came of it once it has started; `DELETE` calls off a meeting not yet held."""

    serializer_class = TeamMeetingSerializer
    filterset_class = OpportunityFilter

    def get_queryset(self):
        return selectors_selling.team_meeting_list(viewer=self.request.user)

    def _out(self, meeting: TeamMeeting, status_code: int = 200) -> Response:
        return Response(TeamMeetingSerializer(self.get_queryset().get(pk=meeting.pk)).data, status=status_code)

    @extend_schema(request=TeamMeetingInputSerializer, responses={201: TeamMeetingSerializer})
    def create(self, request):
        data = dict(validated(TeamMeetingInputSerializer, request))
        opportunity = _opportunity(request, data.pop("opportunity"))
        data["contacts"] = _contacts(opportunity, data["contacts"])
        meeting = services_selling.team_meeting_schedule(opportunity=opportunity, by=request.user, **data)
        return self._out(meeting, 201)

    @extend_schema(request=TeamMeetingUpdateSerializer, responses=TeamMeetingSerializer)
    def partial_update(self, request, pk=None):
        meeting = self.get_object()
        # Only what was sent changes (the input serializer's defaults apply on creation only).
        data = {key: value for key, value in validated(TeamMeetingUpdateSerializer, request, partial=True).items()
                if key in request.data}
        if "contacts" in data:
            opportunity = _opportunity(request, meeting.opportunity_id)
            data["contacts"] = _contacts(opportunity, data["contacts"])
        return self._out(services_selling.team_meeting_update(meeting=meeting, by=request.user, data=data))

    def destroy(self, request, *args, **kwargs):
        services_selling.team_meeting_cancel(meeting=self.get_object(), by=request.user)
        return Response(status=204)

    @extend_schema(request=MeetingOutcomeSerializer, responses=TeamMeetingSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        meeting = self.get_object()
        data = validated(MeetingOutcomeSerializer, request)
        return self._out(services_selling.team_meeting_record_outcome(meeting=meeting, by=request.user, **data))


# --- Key interactions ---------------------------------------------------------------------------

class KeyInteractionSerializer(ModelSerializer):
    opportunity = serializers.IntegerField(source="opportunity_id", read_only=True)
    activity = serializers.IntegerField(source="activity_id", read_only=True)
    kind = serializers.CharField(source="activity.kind", read_only=True)
    subject = serializers.CharField(source="activity.subject", read_only=True)
    owner = serializers.IntegerField(source="activity.owner_id", read_only=True)
    done_at = serializers.DateTimeField(source="activity.done_at", read_only=True)
    outcome = serializers.CharField(source="activity.outcome", read_only=True)

    class Meta:
        model = KeyInteraction
        fields = ["id", "opportunity", "activity", "kind", "subject", "owner", "done_at", "outcome", "significance",
                  "marked_by", "marked_at"]
        read_only_fields = fields


class KeyInteractionInputSerializer(serializers.Serializer):
    opportunity = serializers.IntegerField()
    activity = serializers.IntegerField(help_text="An activity of the opportunity that has taken place.")
    significance = serializers.CharField(help_text="Why this interaction matters.")


class KeyInteractionViewSet(IdempotentWrites, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                            mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The log of key interactions of an opportunity: activities that have taken place, marked by the team
    with why they matter. `POST` marks one (again: changes the reason); `DELETE` takes it out of the log."""

    serializer_class = KeyInteractionSerializer
    filterset_class = OpportunityFilter

    def get_queryset(self):
        return selectors_selling.key_interaction_list(viewer=self.request.user)

    @extend_schema(request=KeyInteractionInputSerializer, responses={201: KeyInteractionSerializer})
    def create(self, request):
        data = validated(KeyInteractionInputSerializer, request)
        opportunity = _opportunity(request, data["opportunity"])
        interaction = services_selling.key_interaction_mark(opportunity=opportunity, by=request.user,
                                                            activity_id=data["activity"],
                                                            significance=data["significance"])
        return Response(KeyInteractionSerializer(self.get_queryset().get(pk=interaction.pk)).data, status=201)

    def perform_destroy(self, instance):
        services_selling.key_interaction_unmark(interaction=instance, by=self.request.user)
