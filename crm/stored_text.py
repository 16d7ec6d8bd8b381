"""Text for people stored as a message code and its parameters, rendered in the reader's language when shown.

A notification, a history note or a match reason is written once and read later, by someone whose language may
not be the writer's: a sentence rendered when it was written stays in the writer's language for ever. So a
service writes a `Text`: the gettext message id (the English source, which is the code) and its parameters.
`encode` turns it into one string for the text column it has always used (a notification's message, a
history record's change reason), marked so that `render` knows it from plain text a person typed; `render`
translates it in the active language. Plain text (a reason someone typed, a row written before this) is shown
as it is.

Parameters keep their meaning, not their rendering: an amount is formatted by `crm.money.format_money`, a date
by the locale, a stage's two names are both kept (the reader's language picks one), a translatable label
(`gettext_lazy`, a `TextChoices` label) is translated when shown, and a nested `Text` is rendered in turn, as is
a row whose name is a phrase (it has `as_text()`, as a quota period has).
Anything else (a person's or a customer's name: user data) is kept as its string.
"""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext, pgettext

# An invisible "information separator" starts an encoded text: nobody types it, so typed text is never read as
# a code, and a column shown by a tool that does not know it still reads as JSON after one odd character.
MARK = "\u241e"


class Bilingual:
    """A value people name in two languages that the database keeps side by side (a stage's name)."""

    def __init__(self, *, zh: str, en: str) -> None:
        self.zh, self.en = zh, en

    def __str__(self) -> str:
        return self.en if (get_language() or "").startswith("en") else self.zh


class Text:
    """A message code (`message`, a gettext_lazy / pgettext_lazy string or a plain msgid) and its parameters."""

    def __init__(self, message: Any, /, **params: Any) -> None:
        self.message, self.context = _msgid(message)
        self.params = params

    def __str__(self) -> str:
        return render_data(self.data())

    def __repr__(self) -> str:
        return f"Text({self.message!r}, **{self.params!r})"

    def data(self) -> dict:
        data: dict[str, Any] = {"m": self.message}
        if self.context:
            data["c"] = self.context
        if self.params:
            data["p"] = {name: _param(value) for name, value in self.params.items()}
        return data


def _msgid(message: Any) -> tuple[str, str]:
    """The message id (and context) of a lazy translation; a plain string is its own id.

    A lazy string from gettext_lazy(msgid) / pgettext_lazy(context, msgid) keeps its arguments (tests/crm/
    test_stored_text.py checks that this still holds after a Django upgrade)."""
    if isinstance(message, Promise):
        args = getattr(message, "_args", ())
        if len(args) == 1 and isinstance(args[0], str):
            return args[0], ""
        if len(args) == 2 and all(isinstance(arg, str) for arg in args):
            return args[1], args[0]
        return str(message), ""
    return str(message), ""


def _param(value: Any) -> Any:
    as_text = getattr(value, "as_text", None)
    if callable(as_text):  # a row whose name is itself a translatable phrase ("2026 Q4" / "2026年第4季度")
        value = as_text()
    if isinstance(value, Text):
        return {"t": value.data()}
    if isinstance(value, Promise):
        message, context = _msgid(value)
        return {"t": {"m": message, **({"c": context} if context else {})}}
    if isinstance(value, Bilingual):
        return {"zh": value.zh, "en": value.en}
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal):
        return {"money": str(value)}
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, int | float):
        return value
    if isinstance(value, list | tuple):  # a list of texts (stored or not), shown joined
        return {"list": [value if is_encoded(value) else _param(value) for value in value]}
    return str(value)


def encode(text: Text | str | None, limit: int | None = None) -> str:
    """One string for a text column: a `Text` as its marked code and parameters, anything else as it is.

    With a `limit` (the column's length), the longest parameters (names people typed) are shortened until the
    code fits; the code itself is never cut, so it always renders."""
    if not isinstance(text, Text):
        return "" if text is None else str(text)
    data = text.data()
    stored = MARK + json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    params = data.get("p", {})
    while limit is not None and len(stored) > limit:
        strings = [(len(value), name) for name, value in params.items() if isinstance(value, str) and len(value) > 1]
        if not strings:
            break
        length, name = max(strings)
        excess = len(stored) - limit
        params[name] = params[name][: max(1, length - excess - 1)] + "…"
        stored = MARK + json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return stored


def is_encoded(stored: Any) -> bool:
    return isinstance(stored, str) and stored.startswith(MARK)


def render_all(stored: Any) -> list[str]:
    """A list of stored texts, each rendered."""
    return [render(item) for item in stored or ()]


def render(stored: Any) -> str:
    """A stored text in the active language: an encoded `Text` rendered, plain text as it is."""
    if stored is None:
        return ""
    if isinstance(stored, Text):
        return str(stored)
    if not is_encoded(stored):
        return str(stored)
    try:
        data = json.loads(stored[len(MARK):])
    except ValueError:
        return stored[len(MARK):]
    return render_data(data)


def render_data(data: dict) -> str:
    message = data.get("m", "")
    translated = pgettext(data["c"], message) if data.get("c") else gettext(message)
    params = data.get("p")
    if not params:
        return translated
    values = {name: _render_param(value) for name, value in params.items()}
    try:
        return translated % values
    except (KeyError, TypeError, ValueError):
        return message % values if "%(" in message else translated


def _render_param(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    if "t" in value:
        return render_data(value["t"])
    if "list" in value:
        return ", ".join(render(item) if is_encoded(item) else str(_render_param(item)) for item in value["list"])
    if "zh" in value or "en" in value:
        return str(Bilingual(zh=value.get("zh", ""), en=value.get("en", "")))
    if "money" in value:
        from crm.money import format_money

        try:
            return format_money(Decimal(value["money"]), currency=True)
        except (InvalidOperation, TypeError):
            return value["money"]
    if "date" in value:
        return formats.date_format(datetime.date.fromisoformat(value["date"]), "SHORT_DATE_FORMAT")
    if "datetime" in value:
        return formats.date_format(datetime.datetime.fromisoformat(value["datetime"]), "SHORT_DATETIME_FORMAT")
    return str(value)


# --- Rows written before texts were stored as codes (used by the data migrations) ----------------------------

_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")


def _pattern(form: str) -> _Form:
    parts, position = [], 0
    for match in _PLACEHOLDER.finditer(form):
        parts.append(re.escape(form[position:match.start()]))
        parts.append("%" if match.group(0) == "%%" else f"(?P<{match.group(1)}>.+?)")
        position = match.end()
    parts.append(re.escape(form[position:]))
    pattern = re.compile("".join(parts) + r"\Z", re.DOTALL)
    return _Form(pattern, form)


class _Form:
    """A compiled rendered form and the form it came from (its %(name)d placeholders are numbers)."""

    def __init__(self, pattern: re.Pattern, form: str) -> None:
        self.pattern_form, self.match = form, pattern.match


class Recogniser:
    """Reads a sentence rendered in either language back into its code and parameters.

    `messages` are the message ids a column may hold; each is recognised in English (the id) and in Chinese
    (its translation in the catalogue), and `legacy` adds older wordings ({message id: [rendered forms]}).
    A parameter that reads as an amount ("1,050,000.00") becomes an amount again."""

    def __init__(self, messages: list[str], legacy: dict[str, list[str]] | None = None) -> None:
        from django.utils import translation

        self.forms: list[tuple[_Form, str]] = []
        for message in messages:
            with translation.override("zh-hans"):
                chinese = gettext(message)
            self.forms.extend((_pattern(form), message)
                              for form in {message, chinese, *(legacy or {}).get(message, [])})
        for message, forms in (legacy or {}).items():
            if message not in messages:
                self.forms.extend((_pattern(form), message) for form in forms)

    def recode(self, rendered: str | None, limit: int | None = None) -> str | None:
        """The stored form of `rendered`, or None when it is no known sentence (typed text stays as it is)."""
        if not rendered or is_encoded(rendered):
            return None
        for pattern, message in self.forms:
            match = pattern.match(rendered)
            if match:
                numbers = set(re.findall(r"%\((\w+)\)d", pattern.pattern_form))
                params = {name: int(value) if name in numbers and value.isdigit() else _read_back(value)
                          for name, value in match.groupdict().items()}
                return encode(Text(message, **params), limit)
        return None


def _read_back(value: str) -> Any:
    if re.fullmatch(r"-?\d{1,3}(,\d{3})*\.\d{2}|-?\d+\.\d{2}", value):
        return Decimal(value.replace(",", ""))
    return value


def recode_rows(queryset, field: str, recogniser: Recogniser, *, limit: int | None = None) -> int:
    """Rewrite the rendered sentences of `field` as codes (rows already coded or typed by people stay); the
    data migrations call this. Returns how many rows changed."""
    changed = 0
    for pk, value in queryset.exclude(**{f"{field}__isnull": True}).exclude(**{field: ""}).values_list(
            "pk", field).iterator(chunk_size=2000):
        stored = recogniser.recode(value, limit)
        if stored is not None and (limit is None or len(stored) <= limit):
            queryset.model._default_manager.filter(pk=pk).update(**{field: stored})
            changed += 1
    return changed
