"""Shared pieces of the REST API: pagination and the one exception handler of the contract."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from crm.errors import DomainError
from crm.money import MONEY_FIELD


class Pagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200


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


def exception_handler(exc, context):
    """Map every error to the contract: 400 {field: [msg]}, 401, 403, 404, 409 {detail}.

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
    # A bare list (a ValidationError raised without a field) becomes {"non_field_errors": [...]}.
    if response is not None and isinstance(exc, exceptions.ValidationError) and isinstance(response.data, list):
        response.data = {"non_field_errors": response.data}
    return response
