"""Shared pieces of the REST API: pagination and the one exception handler of the contract."""

from __future__ import annotations

import logging
import uuid
from functools import partial

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.utils import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, permissions, serializers
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from crm.counting import TallyPaginator, exact_count_limit, list_tally, wants_exact
from crm.errors import DomainError
from crm.money import MONEY_FIELD

logger = logging.getLogger("crm.errors")

# The range of each integer column as PostgreSQL stores it (SQLite would accept 64 bits anywhere): the API
# and its schema state the production bound whatever database runs the tests.
INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges
ID_RANGE = {"min_value": 1, "max_value": INTEGER_RANGES["BigAutoField"][1]}


class ModelSerializer(serializers.ModelSerializer):
    """The project's model serializer: an integer field carries its column's range, so a number the column
    cannot hold is a 400 naming the field (not a database error), and the schema states it."""

    def build_standard_field(self, field_name, model_field):
        field_class, field_kwargs = super().build_standard_field(field_name, model_field)
        bounds = INTEGER_RANGES.get(model_field.get_internal_type())
        if bounds is not None and issubclass(field_class, serializers.IntegerField):
            low, high = bounds
            field_kwargs["min_value"] = max(low, field_kwargs.get("min_value", low))
            field_kwargs["max_value"] = min(high, field_kwargs.get("max_value", high))
        return field_class, field_kwargs


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, which builds no filter set when the request names none of its filters: the
    set's form (a deep copy of every filter's field, then a validation) cost about a millisecond a request, on
    every list page and on every GET of one row (DRF filters the queryset of a detail too). A filter's name
    is the start of each parameter it reads (`amount_min`, `created_after`…), so a parameter that starts with
    one sends the request through the filter set as before."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            names = tuple(filterset_class.base_filters)
            if not any(key.startswith(names) for key in request.query_params):
                return queryset
        return super().filter_queryset(request, queryset, view)


class KeysetPagination(CursorPagination):
    """Keyset pages, newest first by id: each page is an index range scan after the last row of the one
    before, as fast on the millionth row as on the first. What `?cursor=` asks of any list."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-pk"
    invalid_cursor_message = gettext_lazy("This cursor is not valid: start again without one (?cursor=).")

    def get_ordering(self, request, queryset, view):
        return (self.ordering,)  # the key: unique and indexed whatever ?ordering= says


class Pagination(PageNumberPagination):
    """`{"count", "count_exact", "next", "previous", "results"}`: `count` is exact up to
    LIST_EXACT_COUNT_LIMIT rows and PostgreSQL's estimate above it (`count_exact: false`; `?exact_count=1`
    counts everything); numbered pages stop at that depth (crm.counting), so no request reads every visible
    row. `?cursor=` (empty to start) walks the whole list instead, by keyset pages (`KeysetPagination`):
    what an integration that reads everything uses."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200
    cursor_query_param = "cursor"
    too_deep_message = gettext_lazy("No such page: pages stop at %(limit)s rows; narrow the filters, sort the "
                                    "other way, or walk the whole list with ?cursor=.")

    def paginate_queryset(self, queryset, request, view=None, *, counted=None):
        """`counted`: the same rows without what only the page needs (a `.values()` of joined columns), so
        the count reads no more tables than the filters name (the account manager's 1,250: 0.3 instead of 3.7
        ms on PostgreSQL, which joins every table a SELECT names even inside COUNT)."""
        self.tally = list_tally(queryset if counted is None else counted, exact=wants_exact(request))
        self.keyset = None
        if self.cursor_query_param in request.query_params:
            self.keyset = KeysetPagination()
            return self.keyset.paginate_queryset(queryset, request, view)
        self.django_paginator_class = partial(TallyPaginator, tally=self.tally)
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound:
            if self.tally.exact and self.tally.count <= exact_count_limit():
                raise
            raise exceptions.NotFound(self.too_deep_message % {"limit": intcomma(exact_count_limit())}) from None

    def get_paginated_response(self, data):
        links = self.keyset or self
        return Response({
            "count": self.tally.count,
            "count_exact": self.tally.exact,
            "next": links.get_next_link(),
            "previous": links.get_previous_link(),
            "results": data,
        })

    def get_schema_operation_parameters(self, view):
        return [*super().get_schema_operation_parameters(view), {
            "name": self.cursor_query_param, "required": False, "in": "query",
            "description": "Walk the whole list by keyset pages, newest first (empty to start; then follow "
                           "`next`). Ignores `page` and `ordering`.",
            "schema": {"type": "string", "maxLength": 200},
        }]

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"] = {
            "count": schema["properties"]["count"],
            "count_exact": {"type": "boolean", "example": True,
                            "description": "False when `count` is an estimate (above the exact-count limit); "
                                           "?exact_count=1 counts exactly."},
            **{name: value for name, value in schema["properties"].items() if name != "count"},
        }
        schema["required"] = [*schema.get("required", []), "count_exact"]
        return schema


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """An object by id among those the caller may see (`Model.objects.visible_to(user)`), given as
    `queryset=Model.objects.none()`. The visible set is built when a value is checked, not each time the
    serializer is made: `visible_to` reads the viewer's ids first, which a list's every GET would pay for."""

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.queryset
        return self.queryset.model.objects.visible_to(user)


# Leaf formats of the API as DRF's own fields write them (a decimal string with its places, ISO 8601 in the current
# zone with "Z" for UTC): the list endpoints' lean representations (e.g. opportunities.api.opportunity_rows_json) build
# their rows with these instead of a serializer per row, and tests compare them with the serializer, field by field.
MONEY_TEXT = serializers.DecimalField(max_digits=18, decimal_places=2)
MOMENT_TEXT = serializers.DateTimeField()


def money_text(value) -> str | None:
    """An amount as the API writes it ("1250000.00"), None as null."""
    return None if value is None else MONEY_TEXT.to_representation(value)


def moment_text(value) -> str | None:
    """A moment as the API writes it (ISO 8601 in the current time zone), None as null."""
    return MOMENT_TEXT.to_representation(value) if value else None


def day_text(value) -> str | None:
    """A date as the API writes it (ISO 8601), None as null."""
    return value.isoformat() if value else None


def enum_field(choices_class, **kwargs) -> serializers.ChoiceField:
    """A serializer field for a TextChoices enumeration (its machine values are the API's)."""
    return serializers.ChoiceField(choices=choices_class.choices, **kwargs)


def money_field(**kwargs) -> serializers.DecimalField:
    """A serializer field for an amount, bounded like the column it ends in."""
    return serializers.DecimalField(**MONEY_FIELD, **kwargs)


def validated(serializer_class, request, data=None, *, partial: bool = False) -> dict:
    """Validate the request body (or `data`) with `serializer_class`; a 400 when it does not pass. `partial`: the
    fields left out are not required (a PATCH)."""
    serializer = serializer_class(data=request.data if data is None else data, partial=partial,
                                  context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def server_error_body(exc: BaseException | None) -> dict:
    """Log an unexpected error with a new error id (and its traceback); the body an API client gets: the
    id, which the log also has, and no traceback."""
    error_id = uuid.uuid4().hex[:12]
    logger.error("Server error %s", error_id, exc_info=(type(exc), exc, exc.__traceback__) if exc else True)
    return {"detail": str(_("A server error occurred. Tell an administrator this error id: %(id)s")
                          % {"id": error_id}), "error_id": error_id}


def exception_handler(exc, context):
    """Map every error to the contract: 400 {field: [msg]}, 401, 403, 404, 409 {detail}; 500 {detail, error_id}.

    Domain errors from services and Django's own errors are turned into DRF errors so that
    the body always has one of the two documented shapes.
    """
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"detail": exc.messages})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None and isinstance(exc, (OperationalError, InterfaceError)):
        # A lost database connection: crm.middleware answers 503 with Retry-After, logged once per outage.
        return None
    if response is None:
        # Anything else is our fault: a 500 in the contract's shape, its traceback in the log only.
        set_rollback()
        return Response(server_error_body(exc), status=500)
    # A bare list (a ValidationError raised without a field) becomes {"non_field_errors": [...]}.
    if response is not None and isinstance(exc, exceptions.ValidationError) and isinstance(response.data, list):
        response.data = {"non_field_errors": response.data}
    return response


class ApiDocsAccess(permissions.BasePermission):
    """Who may read /api/schema/ and /api/docs/: everyone with API_DOCS_PUBLIC (the default with DEBUG on),
    otherwise people signed in (a session or a token)."""

    def has_permission(self, request, view) -> bool:
        return settings.API_DOCS_PUBLIC or bool(request.user and request.user.is_authenticated)
