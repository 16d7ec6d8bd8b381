"""Every number and text the API writes fits the column it ends in: each writable CharField, IntegerField
and DecimalField of every request serializer of the schema carries the column's bound (so the API answers
400 naming the field, never a database error), and the schema states it (maxLength, maximum)."""

from __future__ import annotations

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import spectacular_settings
from rest_framework import serializers

from crm.api import INTEGER_RANGES

# Plain (not model) serializer fields whose text ends only in an unbounded TextField (and, shortened, in the
# history's change note): (component, field).
UNBOUNDED_TEXT = {
    ("CustomerMergeRequest", "reason"),  # CustomerMerge.reason
    ("TierOverride", "reason"),  # CustomerTierChange.reason
    ("QuotaAllocationAcknowledge", "note"),  # QuotaAcknowledgement.note
    ("QuotaAllocationReturn", "reason"),  # QuotaAllocation.return_reason
}


def request_serializers():
    """(path, method, serializer) of every operation of the schema that takes a body."""
    generator = SchemaGenerator()
    generator.parse(None, True)  # builds the endpoints
    for path, path_regex, method, view in generator._get_paths_and_endpoints():
        if method not in ("POST", "PUT", "PATCH"):
            continue
        view.request = spectacular_settings.GET_MOCK_REQUEST(method, path, view, None)
        schema = view.schema
        schema.method, schema.path, schema.path_regex, schema.path_prefix = method, path, path_regex, "/api/v1"
        serializer = schema.get_request_serializer()
        if serializer is not None:
            yield path, method, serializer


def writable_fields(serializer, prefix=""):
    """(serializer, name, field, model field or None) of each writable scalar field, nested ones included."""
    if isinstance(serializer, serializers.ListSerializer):
        serializer = serializer.child
    if not isinstance(serializer, serializers.Serializer):
        return
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        if isinstance(field, serializers.BaseSerializer):
            yield from writable_fields(field, f"{prefix}{name}.")
            continue
        column = None
        if model is not None and isinstance(serializer, serializers.ModelSerializer):
            try:
                column = model._meta.get_field(field.source)
            except FieldDoesNotExist:
                column = None
        if isinstance(field, serializers.ListField):
            field, column = field.child, None
        yield serializer, prefix + name, field, column


def problem(component: str, name: str, field, column) -> str | None:
    """Why `field` does not carry the bound of `column` (or, without a known column, any bound)."""
    if isinstance(field, serializers.ChoiceField | serializers.BooleanField | serializers.RelatedField |
                  serializers.DateField | serializers.DateTimeField | serializers.JSONField):
        return None
    if isinstance(field, serializers.CharField):
        if isinstance(column, models.TextField) and column.max_length is None:
            return None
        if column is not None and column.max_length is not None:
            return None if field.max_length == column.max_length else (
                f"max_length {field.max_length}, the column holds {column.max_length}")
        if field.max_length is None and (component, name) not in UNBOUNDED_TEXT:
            return "text without max_length"
    if isinstance(field, serializers.IntegerField):
        low, high = INTEGER_RANGES.get(column.get_internal_type(), (None, None)) if column else (None, None)
        if field.min_value is None or field.max_value is None:
            return f"integer without a range ({field.min_value}..{field.max_value})"
        if high is not None and not (low <= field.min_value and field.max_value <= high):
            return f"range {field.min_value}..{field.max_value}, the column holds {low}..{high}"
    if isinstance(field, serializers.DecimalField):
        if field.max_digits is None or field.decimal_places is None:
            return "amount without max_digits"
        if isinstance(column, models.DecimalField) and (
                field.max_digits - field.decimal_places > column.max_digits - column.decimal_places):
            return f"{field.max_digits} digits, the column holds {column.max_digits}"
    return None


@pytest.mark.django_db
def test_every_writable_field_carries_the_bound_of_its_column():
    problems, checked = [], 0
    for path, method, serializer in request_serializers():
        for owner, name, field, column in writable_fields(serializer):
            checked += 1
            component = type(owner).__name__  # an inline_serializer's class is named after its component
            found = problem(component, name, field, column)
            if found:
                problems.append(f"{method} {path} {component}.{name}: {found}")
    assert checked > 200  # the walk reached the whole API
    assert not sorted(set(problems)), "\n".join(sorted(set(problems)))


def test_the_schema_states_the_bounds():
    components = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    assert components["CustomerRequest"]["properties"]["employees"]["maximum"] == 2147483647
    assert components["CustomerRequest"]["properties"]["website"]["maxLength"] == 200
    assert components["StageRequest"]["properties"]["probability"]["maximum"] == 100  # a percentage
    assert components["BidOutcomeRequest"]["properties"]["reason"]["maxLength"] == 500


@pytest.mark.parametrize("send", ["json", "form", "multipart"])
def test_a_nul_anywhere_in_a_payload_is_a_400_not_a_database_error(api_as, owner, send):
    # Schemathesis found a NUL in a customer intake's address reaching PostgreSQL (500): refused as the API parses.
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    client = api_as(owner)
    data = {"source": "manual", "name": "华远科技有限公司", "address": "浦东\x00新区"}
    if send == "json":
        response = client.post("/api/v1/customers/intake/", data, format="json")
    elif send == "form":
        from urllib.parse import urlencode

        response = client.post("/api/v1/customers/intake/", urlencode(data),
                               content_type="application/x-www-form-urlencoded")
    else:
        response = client.post("/api/v1/customers/intake/", encode_multipart(BOUNDARY, data),
                               content_type=MULTIPART_CONTENT)
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
