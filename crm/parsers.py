"""The API's parsers: DRF's own, refusing a NUL character anywhere in a payload (REST_FRAMEWORK's
DEFAULT_PARSER_CLASSES). A module of its own: DRF reads that setting while rest_framework.views is imported, so it
must not import the views (crm.api does)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import exceptions, parsers

NUL_REFUSED = gettext_lazy("Text may not contain NUL (0x00) characters.")


def _refuse_nul(value) -> None:
    """A NUL anywhere in what a client sent is a 400: PostgreSQL refuses it in text, wherever the value ends up
    (a serializer field that is not a CharField, a JSON column, a free-form payload)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise exceptions.ParseError(NUL_REFUSED)
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key)
            _refuse_nul(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_nul(item)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _refuse_nul(data)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _refuse_nul(dict(data.lists()))
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        _refuse_nul(dict(parsed.data.lists()))
        return parsed
