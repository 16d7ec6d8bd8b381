"""History for people, in one place: django-simple-history records turned into display entries.

Every history page (opportunity, customer, tender) lists `HistoryEntry` rows through the include
`includes/history.html`: a creation says "created" with its starting values, a change lists each field by its
translated label with the old and new value as people read them (choice labels, the related record's name,
money, localised dates, yes/no, "—" for nothing). The fields an audit row already tells (an owner change with
its reason, a tier change...) are left to that row, so a change is shown once. Generic over any model: the
apps pass their records and, where they have them, their audit rows as entries.

A service's change reason is a `crm.stored_text.Text` (or a lazy translation): stored as its code and shown
in the reader's language; a reason a person typed is shown as typed.

The change reason every record keeps is a summary in a bounded column: a longer reason (a tender's outcome
note, a tier override's explanation) is shortened there, never refused by the database (`connect`, called
from CrmConfig.ready); the full text stays in the record's own field.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import models
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from simple_history.signals import pre_create_historical_record

from crm.money import MONEY_FIELD, format_money
from crm.stored_text import Text, encode, render

EMPTY = "—"
NOISE = {"updated_at"}  # bookkeeping that changes with every save


class Change(NamedTuple):
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: Any
    kind: str  # created, changed, deleted, or the kind of an audit row (owner, tier, assessment...)
    title: str
    changes: list[Change] = field(default_factory=list)  # for a change: label, old, new
    values: list[tuple[str, str]] = field(default_factory=list)  # for a creation: label, starting value
    note: str = ""


def field_label(model: type[models.Model], name: str) -> str:
    """The field's translated verbose_name, with a capital."""
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _shown_fields(model: type[models.Model], exclude: Iterable[str]) -> dict[str, models.Field]:
    """The fields people edit: not the key, not a computed or bookkeeping column."""
    skipped = NOISE | set(exclude)
    return {f.name: f for f in model._meta.concrete_fields
            if f.editable and not f.primary_key and f.name not in skipped}


def display_value(model_field: models.Field, value: Any, names: dict | None = None) -> str:
    """One stored value as people read it; `names` maps a foreign key's id to the related record's name."""
    if value is None or value == "" or value == []:
        return EMPTY
    if model_field.is_relation:
        return (names or {}).get(value, f"#{value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(model_field, models.DecimalField) and (model_field.max_digits, model_field.decimal_places) == (
            MONEY_FIELD["max_digits"], MONEY_FIELD["decimal_places"]):
        return format_money(value)
    if isinstance(value, datetime.datetime):
        return formats.date_format(timezone.localtime(value) if timezone.is_aware(value) else value,
                                   "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal | int | float):
        return formats.number_format(value)
    if isinstance(value, list | tuple):
        return "、".join(str(item) for item in value)
    return str(value)


def _related_names(fields: dict[str, models.Field], records: list) -> dict[str, dict]:
    """The names of every record the foreign keys point at: one query per related model, however many rows."""
    wanted: dict[type[models.Model], set] = defaultdict(set)
    for record in records:
        for model_field in fields.values():
            if model_field.is_relation:
                value = getattr(record, model_field.attname)
                if value is not None:
                    wanted[model_field.related_model].add(value)
    names = {related: {obj.pk: str(obj) for obj in related._default_manager.filter(pk__in=ids)}
             for related, ids in wanted.items()}
    return {name: names.get(f.related_model, {}) for name, f in fields.items() if f.is_relation}


def record_entries(records: Iterable, model: type[models.Model], *, exclude: Iterable[str] = (),
                   told_elsewhere: Iterable[str] = (), on_create: Iterable[str] = (), kind: str = "",
                   titles: dict[str, str] | None = None, subject: Callable[[Any], str] | None = None,
                   generic_reasons: Iterable[str] = ()) -> list[HistoryEntry]:
    """Display entries for simple-history `records` of `model` (of one or many objects, oldest first).

    `exclude`: fields never shown. `told_elsewhere`: fields an audit row tells; they are left to that row
    (with the record's reason), the record's other changes shown.
    `on_create`: the starting values a creation shows. `kind`: the entries' kind
    (else created, changed or deleted). `titles`: the created/changed/deleted titles; `subject` names the
    object after it. `generic_reasons`: change reasons that only repeat the title."""
    records = list(records)
    fields = _shown_fields(model, exclude)
    names = _related_names(fields, records)
    told = set(told_elsewhere)
    generic = set(generic_reasons)
    titles = {"created": _("Created"), "changed": _("Changed"), "deleted": _("Deleted"), **(titles or {})}
    entries: list[HistoryEntry] = []
    previous_by_id: dict[Any, Any] = {}
    for record in records:
        previous = previous_by_id.get(record.id)
        previous_by_id[record.id] = record
        note = render(record.history_change_reason or "")
        note = "" if note in generic else note
        about = subject(record) if subject else ""
        if previous is None and record.history_type != "+":
            continue  # the oldest record fetched: only the baseline of the next one
        if record.history_type == "+":
            what = "created"
            values = [(capfirst(str(fields[name].verbose_name)),
                       display_value(fields[name], getattr(record, fields[name].attname), names.get(name)))
                      for name in on_create if name in fields]
            changes: list[Change] = []
        else:
            what = "deleted" if record.history_type == "-" else "changed"
            values = []
            delta = record.diff_against(previous, included_fields=list(fields))
            # A field an audit row tells (with its reason) is left to that row; the rest of the record's changes
            # (an owner change that also resets `confirmed`) are shown here.
            changes = [Change(capfirst(str(fields[c.field].verbose_name)),
                              display_value(fields[c.field], c.old, names.get(c.field)),
                              display_value(fields[c.field], c.new, names.get(c.field)))
                       for c in delta.changes if c.field not in told]
            if what == "changed" and not changes:
                continue
            if told & set(delta.changed_fields):
                note = ""  # the reason belongs to the audit row that tells the told field
        title = titles[what] + (f": {about}" if about else "")
        entries.append(HistoryEntry(record.history_date, record.history_user, kind or what, title,
                                    changes=changes, values=values, note=note))
    return entries


def newest_first(entries: list[HistoryEntry]) -> list[HistoryEntry]:
    return sorted(entries, key=lambda entry: entry.when, reverse=True)


# --- Bounded change reasons -------------------------------------------------------------------------


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bound_change_reason(sender, history_instance, **kwargs) -> None:
    reason = history_instance.history_change_reason
    if reason:
        limit = history_instance._meta.get_field("history_change_reason").max_length
        if isinstance(reason, Promise):  # a service's own reason: kept as its code, shown in the reader's language
            reason = Text(reason)
        if isinstance(reason, Text):
            history_instance.history_change_reason = encode(reason, limit)
        else:
            history_instance.history_change_reason = shorten(str(reason), limit)


def connect() -> None:
    """Bound the change reason of every historical model (called once from CrmConfig.ready)."""
    pre_create_historical_record.connect(_bound_change_reason, dispatch_uid="crm.history.bound_change_reason")
