"""REST API of the funnel (spec/api.md): stages/, opportunities/{id}/move/, funnel/baselines/,
funnel/health/. Thin: validate input, call a service or selector, serialize."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.api import ModelSerializer
from crm.errors import ConflictError, PermissionDenied
from crm.idempotency import IdempotentWrites
from funnel import selectors, services
from funnel.models import Baseline, BaselineSource, StageChange
from funnel.selectors import Health, Measure
from opportunities.models import Stage, StageOutcome
from opportunities.selectors import opportunity_get
from opportunities.stage_requirements import requirement_choices
from teams.models import OrgUnit, User


def _viewer(serializer: serializers.Serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


# --- Stages ------------------------------------------------------------------------------------

@extend_schema_field({"type": "string", "example": StageOutcome.OPEN,
                      "description": "open, won or lost (stage 08 is two stages: won and lost)"})
class StageOutcomeField(serializers.ChoiceField):
    """A plain string in the schema: the opportunities' and the tenders' `outcome` enums already take the name."""


class StageSerializer(ModelSerializer):
    outcome = StageOutcomeField(choices=StageOutcome.choices, default=StageOutcome.OPEN)
    name = serializers.CharField(read_only=True, help_text="In the caller's language.")
    checklist = serializers.ListField(child=serializers.CharField(), read_only=True,
                                      help_text="The stage's tasks in the caller's language.")
    requirements = serializers.ListField(
        child=serializers.ChoiceField(choices=[]), required=False,
        help_text="Entry requirements checked when an opportunity moves forward into the stage (the codes of the "
                  "requirements registry).",
    )

    class Meta:
        model = Stage
        fields = ["id", "code", "name", "name_zh", "name_en", "probability", "order", "outcome", "active",
                  "tasks_zh", "tasks_en", "checklist", "checklist_zh", "checklist_en", "tasks_required",
                  "requirements", "stuck_after_days"]
        read_only_fields = ["id"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The registry as it is now: apps above opportunities register theirs when they are ready.
        self.fields["requirements"].child.choices = requirement_choices()

    def create(self, validated_data):
        return services.stage_save(stage=Stage(), by=_viewer(self), data=validated_data)

    def update(self, instance, validated_data):
        return services.stage_save(stage=instance, by=_viewer(self), data=validated_data)


class StageViewSet(IdempotentWrites, viewsets.ModelViewSet):
    """The funnel stages and their win probabilities. Everyone reads them; administrators change them.
    A stage in use cannot be deleted (409): set `active` to false instead."""

    serializer_class = StageSerializer
    filterset_fields = ["outcome", "active", "code"]
    ordering_fields = ["order", "code"]
    search_fields = ["code", "name_zh", "name_en"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Stage.objects.none()
        return selectors.stage_list(viewer=self.request.user)

    def perform_destroy(self, instance):
        services.stage_delete(stage=instance, by=self.request.user)


# --- Moves -------------------------------------------------------------------------------------

class MoveInputSerializer(serializers.Serializer):
    stage = serializers.CharField(max_length=8, help_text='Stage code, e.g. "05".')
    outcome = StageOutcomeField(choices=StageOutcome.choices, required=False,
                                help_text='With stage "08": "won" or "lost".')
    loss_reason = serializers.CharField(required=False, allow_blank=True, max_length=500,
                                        help_text="Required when the outcome is lost.")
    competitor = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                       help_text="Who won instead, when lost.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    skip_open_tasks = serializers.BooleanField(
        required=False, default=False,
        help_text="A move that skips a stage and would leave checklist tasks open is refused (400, listing the "
                  "tasks under this field) unless this is true. Required tasks are never skipped.")


class StageChangeSerializer(ModelSerializer):
    from_name = serializers.CharField(read_only=True)
    to_name = serializers.CharField(read_only=True)

    class Meta:
        model = StageChange
        fields = ["id", "opportunity", "from_code", "from_outcome", "from_name", "from_probability", "to_code",
                  "to_outcome", "to_name", "to_probability", "direction", "amount", "weighted_before",
                  "weighted_after", "loss_reason", "competitor", "note", "changed_by", "changed_at"]
        read_only_fields = fields


class MoveOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    stage = serializers.CharField(source="stage.code")
    outcome = serializers.CharField(source="stage.outcome")
    stage_name = serializers.CharField(source="stage.name")
    probability = serializers.IntegerField(source="stage.probability")
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    weighted_amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    stage_change = StageChangeSerializer(source="last_stage_change", allow_null=True,
                                         help_text="The change recorded; null when the opportunity was already "
                                                   "in that stage (nothing happens).")


class OpportunityMoveView(IdempotentWrites, APIView):
    @extend_schema(request=MoveInputSerializer, responses=MoveOutputSerializer, operation_id="opportunities_move")
    def post(self, request, pk: int):
        """Move the opportunity to another stage (`{"stage": "05"}`; stage 08 needs `"outcome": "won"` or
        `"lost"`, lost needs `loss_reason`). The primary owner, their superiors and administrators may;
        other team members get 403, people who cannot see it 404. Moving forward checks the entry
        requirements (400); skipping a stage with open tasks needs `skip_open_tasks` (400 without); moving to
        the current stage changes nothing."""
        opportunity = opportunity_get(viewer=request.user, pk=pk)
        data = MoveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        opportunity = services.opportunity_move(
            opportunity=opportunity, stage_code=values["stage"], outcome=values.get("outcome") or None, by=request.user,
            loss_reason=values.get("loss_reason", ""), competitor=values.get("competitor", ""),
            note=values.get("note", ""), skip_open_tasks=values["skip_open_tasks"],
        )
        if not hasattr(opportunity, "last_stage_change"):
            opportunity.last_stage_change = None
        return Response(MoveOutputSerializer(opportunity).data)


class StageChangeListView(generics.ListAPIView):
    """The opportunity's stage history, newest first, with the stages as they were at the time."""

    serializer_class = StageChangeSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return StageChange.objects.none()
        opportunity = opportunity_get(viewer=self.request.user, pk=self.kwargs["pk"])
        return StageChange.objects.filter(opportunity=opportunity).order_by("-changed_at", "-id")


# --- The stage's tasks ticked off on an opportunity ------------------------------------------------

class StageTaskSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="The task's line in the stage's checklist, from 0.")
    task = serializers.CharField(source="text")
    done = serializers.SerializerMethodField()
    done_by = serializers.SerializerMethodField()
    done_at = serializers.SerializerMethodField()

    def get_done(self, item) -> bool:
        return item.done is not None

    def get_done_by(self, item) -> int | None:
        return item.done.done_by_id if item.done else None

    def get_done_at(self, item) -> str | None:
        return serializers.DateTimeField().to_representation(item.done.done_at) if item.done else None


class StageTasksOutputSerializer(serializers.Serializer):
    stage = serializers.CharField(help_text="The opportunity's current stage (code).")
    tasks = StageTaskSerializer(many=True)


class StageTaskInputSerializer(serializers.Serializer):
    position = serializers.IntegerField(min_value=0, max_value=32767)
    done = serializers.BooleanField()


class StageTasksView(IdempotentWrites, APIView):
    def _tasks(self, opportunity):
        return {"stage": opportunity.stage.code,
                "tasks": StageTaskSerializer(selectors.stage_checklist(opportunity=opportunity), many=True).data}

    @extend_schema(responses=StageTasksOutputSerializer, operation_id="opportunities_stage_tasks")
    def get(self, request, pk: int):
        """The tasks of the opportunity's current stage, each with whether, by whom and when it was done."""
        return Response(self._tasks(opportunity_get(viewer=request.user, pk=pk)))

    @extend_schema(request=StageTaskInputSerializer, responses=StageTasksOutputSerializer,
                   operation_id="opportunities_stage_tasks_set")
    def post(self, request, pk: int):
        """Tick off (`{"position": 0, "done": true}`) or untick a task of the current stage: whoever may edit the
        opportunity may (others who see it: 403; people who cannot see it: 404)."""
        opportunity = opportunity_get(viewer=request.user, pk=pk)
        data = StageTaskInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.stage_task_set(opportunity=opportunity, position=data.validated_data["position"],
                                done=data.validated_data["done"], by=request.user)
        opportunity.refresh_from_db()
        return Response(self._tasks(opportunity))


# --- Baselines ---------------------------------------------------------------------------------

@extend_schema_field({"type": "string", "enum": BaselineSource.values, "description": "history or manual"})
class BaselineSourceField(serializers.ChoiceField):
    """Described inline: the component name "Source" belongs to the customers' sources."""


class BaselineSerializer(ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    org_unit = serializers.PrimaryKeyRelatedField(queryset=OrgUnit.objects.all(), required=False, allow_null=True)
    stage = serializers.SlugRelatedField(slug_field="code", queryset=Stage.objects.filter(outcome=StageOutcome.OPEN),
                                         help_text='An open stage by code, e.g. "03".')
    source = BaselineSourceField(choices=BaselineSource.choices, read_only=True)
    expected_count = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True,
                                              min_value=0)
    expected_amount = serializers.DecimalField(max_digits=18, decimal_places=2, required=False, allow_null=True,
                                               min_value=0)

    class Meta:
        model = Baseline
        fields = ["id", "user", "org_unit", "stage", "expected_count", "expected_amount", "source", "lookback",
                  "sample_days", "computed_at", "set_by", "note"]
        read_only_fields = ["id", "source", "lookback", "sample_days", "computed_at", "set_by"]

    def validate(self, attrs):
        if self.instance is not None:
            for name in ("user", "org_unit", "stage"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError({name: [_("This cannot change; set a new baseline instead.")]})
            return attrs
        if bool(attrs.get("user")) == bool(attrs.get("org_unit")):
            raise serializers.ValidationError({"user": [_("Name a person or an org unit, not both.")]})
        return attrs


class BaselineViewSet(IdempotentWrites, viewsets.ModelViewSet):
    """Expected count and amount per stage for a person or unit. `history` rows come from the daily job;
    `manual` rows, set by administrators and by managers for people and units in their subtree (nobody
    sets their own: 403), override them. POST sets (or replaces) the manual value of that stage."""

    serializer_class = BaselineSerializer
    filterset_fields = ["user", "org_unit", "source"]
    ordering_fields = ["stage__order", "id"]
    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Baseline.objects.none()
        queryset = Baseline.objects.visible_to(self.request.user).select_related("stage").order_by(
            "stage__order", "source", "id")
        stage = self.request.query_params.get("stage")
        if stage:
            queryset = queryset.filter(stage__code=stage)
        return queryset

    @extend_schema(parameters=[OpenApiParameter("stage", OpenApiTypes.STR, description="Stage code.")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _visible_holder(self, user, org_unit) -> None:
        if not selectors.holder_visible(viewer=self.request.user, user=user, org_unit=org_unit):
            raise NotFound()

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        self._visible_holder(values.get("user"), values.get("org_unit"))
        baseline, created = services.baseline_set_manual(
            by=request.user, stage=values["stage"], user=values.get("user"), org_unit=values.get("org_unit"),
            expected_count=values.get("expected_count"), expected_amount=values.get("expected_amount"),
            note=values.get("note", ""),
        )
        return Response(self.get_serializer(baseline).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        if instance.source != BaselineSource.MANUAL:
            if not services.baseline_may_set(by=request.user, user=instance.user, org_unit=instance.org_unit):
                raise PermissionDenied(_("Baselines are set by an administrator or a manager above; nobody sets "
                                         "their own."))
            raise ConflictError(_("History baselines are recomputed every day; set a manual value to override one."))
        serializer = self.get_serializer(instance, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        baseline, _created = services.baseline_set_manual(
            by=request.user, stage=instance.stage, user=instance.user, org_unit=instance.org_unit,
            expected_count=values.get("expected_count", instance.expected_count),
            expected_amount=values.get("expected_amount", instance.expected_amount),
            note=values.get("note", instance.note),
        )
        return Response(self.get_serializer(baseline).data)

    def perform_destroy(self, instance):
        services.baseline_clear_manual(baseline=instance, by=self.request.user)


# --- Health ------------------------------------------------------------------------------------

@extend_schema_field({"type": "string", "example": Health.GOOD,
                      "description": f"{Health.EXCELLENT} (> 100%), {Health.GOOD} (70% to 100%), {Health.WARNING} "
                                     f"(< 70%), or {Health.NO_BASELINE} when there is neither history nor a manual "
                                     "value"})
class HealthStatusField(serializers.CharField):
    """A plain string in the schema: an enum named "status" would collide with the workflow statuses."""


class HealthRowSerializer(serializers.Serializer):
    stage = serializers.CharField(help_text="Stage code.")
    stage_name = serializers.CharField()
    measure = serializers.CharField(help_text="count or amount")
    current = serializers.DecimalField(max_digits=18, decimal_places=2,
                                       help_text="Open opportunities in the stage now (count or amount).")
    expected = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True,
                                        help_text="Manual baseline, else history; null when there is none.")
    ratio = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True,
                                     help_text="current / expected (1.0000 = 100%); null without a baseline.")
    status = HealthStatusField()
    source = serializers.CharField(allow_blank=True, help_text="manual, history or empty")


class HealthView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("user", OpenApiTypes.INT, description="A person (default: the caller)."),
            OpenApiParameter("org_unit", OpenApiTypes.INT, description="An org unit (everyone in its subtree)."),
            OpenApiParameter("measure", OpenApiTypes.STR, enum=list(Measure.VALUES),
                             description="count (default) or amount"),
        ],
        responses=HealthRowSerializer(many=True),
        operation_id="funnel_health",
    )
    def get(self, request):
        """Funnel health per open stage for a person or unit in the caller's subtree (others: 404)."""
        measure = request.query_params.get("measure") or Measure.COUNT
        if measure not in Measure.VALUES:
            raise serializers.ValidationError({"measure": [_("Choose count or amount.")]})
        user_id, unit_id = request.query_params.get("user"), request.query_params.get("org_unit")
        if user_id and unit_id:
            raise serializers.ValidationError({"user": [_("Name a person or an org unit, not both.")]})
        try:
            holder = selectors.holder_get(viewer=request.user, user_id=user_id or None, org_unit_id=unit_id or None)
            if not user_id and not unit_id:
                holder = selectors.Holder(user=request.user)
        except Http404:
            raise NotFound() from None
        rows = [{
            "stage": row.stage.code, "stage_name": row.stage.name, "measure": measure,
            "current": row.current(measure), "expected": row.expected.value(measure),
            "ratio": selectors.ratio_display(row.ratio(measure)), "status": row.status(measure),
            "source": row.expected.source(measure),
        } for row in selectors.funnel_health(holder=holder)]
        return Response(HealthRowSerializer(rows, many=True).data)

