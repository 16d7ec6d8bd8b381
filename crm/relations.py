"""Which rows point at a row, whatever app declares them: for a merge that must move them all and a delete
that must refuse while any is left."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import models
from django.db.models import ForeignObjectRel
from simple_history.models import HistoricalChanges


def relations_to(model: type[models.Model]) -> Iterator[ForeignObjectRel]:
    """Every foreign key, one-to-one and many-to-many that points at `model`, those declared with
    `related_name="+"` included; history tables (they keep what was) and the link tables of many-to-many
    fields (reported through the field) are left out."""
    for relation in model._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete:
            continue
        related = relation.related_model
        if issubclass(related, HistoricalChanges) or related._meta.auto_created:
            continue
        yield relation


def is_referred_to(instance: models.Model) -> bool:
    """Whether any row (other than history) points at `instance`; one query per relation."""
    for relation in relations_to(type(instance)):
        if relation.related_model._default_manager.filter(**{relation.field.name: instance}).exists():
            return True
    return False
