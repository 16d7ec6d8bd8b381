"""Idempotent API writes: a POST sent with an `Idempotency-Key` header is carried out once.

The first request with a key claims it (unique per person and key) in the same transaction as its
work and keeps its response; the same key again with the same method, path and body gets that response
again (header `Idempotent-Replayed: true`), with another request a 422. A request arriving while the
first one with its key is still running waits for it (the claim waits on the unique key), then gets
its response. A response of 500 or more is not kept: the retry runs again. Every API view that accepts
a POST inherits `IdempotentWrites` (tests/crm/test_request_safety.py checks it).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.http.request import RawPostDataException
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError

from crm.models import IdempotentRequest

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
# Keys older than this are forgotten: the same key then starts a new request.
KEPT_FOR = timedelta(days=1)
REPLAYED_HEADER = "Idempotent-Replayed"

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name=HEADER, type=str, location=OpenApiParameter.HEADER, required=False,
    description=(
        "Optional, on every POST: a unique value chosen by the client (a UUID) per operation, at most "
        f"{MAX_KEY_LENGTH} characters. The same key with the same request within 24 hours returns the first "
        "response again (with `Idempotent-Replayed: true`) instead of doing it twice; while the first is "
        "still running the second waits for it. The same key with another method, path or body: 422."
    ),
)


class IdempotencySchema(AutoSchema):
    """The API's schema class: the POSTs of IdempotentWrites views document the header."""

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self.method == "POST" and isinstance(self.view, IdempotentWrites):
            parameters = [*parameters, IDEMPOTENCY_PARAMETER]
        return parameters


class KeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("This Idempotency-Key was used for another request.")
    default_code = "idempotency_key_reused"


class _Replay(Exception):
    """Answer with the kept response instead of running the request."""

    def __init__(self, record: IdempotentRequest) -> None:
        super().__init__(record.key)
        self.record = record


class IdempotentWrites:
    """DRF view mixin (first among the bases): POSTs honour the `Idempotency-Key` header."""

    def dispatch(self, request, *args, **kwargs):
        if request.method != "POST" or HEADER not in request.headers:
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            response = super().dispatch(request, *args, **kwargs)
            record = getattr(self, "_idempotent_request", None)
            if record is not None:
                if response.status_code >= 500:
                    record.delete()
                else:
                    if hasattr(response, "render") and not response.is_rendered:
                        response.render()
                    record.status_code = response.status_code
                    record.content_type = response.get("Content-Type", "")[:100]
                    record.response_body = response.content
                    record.save(update_fields=["status_code", "content_type", "response_body"])
        return response

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # signed in, allowed, not throttled
        if request.method == "POST" and HEADER in request.headers:
            self._idempotent_request = _claim(request)

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            record = exc.record
            response = HttpResponse(bytes(record.response_body), status=record.status_code,
                                    content_type=record.content_type or None)
            response[REPLAYED_HEADER] = "true"
            return response
        return super().handle_exception(exc)


def _claim(request) -> IdempotentRequest:
    """Claim the request's key, or raise: _Replay with the first response, KeyReused for another request."""
    key = request.headers[HEADER].strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValidationError({HEADER: [_("Send at most %(max)d characters, not empty.") % {"max": MAX_KEY_LENGTH}]})
    user_id = request.user.pk
    IdempotentRequest.objects.filter(user_id=user_id, created_at__lt=timezone.now() - KEPT_FOR).delete()
    record = IdempotentRequest(user_id=user_id, key=key, method=request.method, path=request.path[:500],
                               body_hash=_body_hash(request))
    try:
        with transaction.atomic():
            record.save()
        return record
    except IntegrityError:
        first = IdempotentRequest.objects.get(user_id=user_id, key=key)
    if (first.method, first.path, first.body_hash) != (record.method, record.path, record.body_hash):
        raise KeyReused
    raise _Replay(first)


def _body_hash(request) -> str:
    """The SHA-256 of the request body; of its fields and files when it was read as a form already."""
    try:
        return hashlib.sha256(request._request.body).hexdigest()
    except RawPostDataException:  # a multipart body, parsed before the view
        digest = hashlib.sha256()
        for name, values in sorted(request.data.lists()):
            for value in values:
                digest.update(name.encode() + b"\0")
                if hasattr(value, "chunks"):
                    for chunk in value.chunks():
                        digest.update(chunk)
                    value.seek(0)
                else:
                    digest.update(str(value).encode() + b"\0")
        return digest.hexdigest()
