"""Writes on the sales organisation: reporting lines and org unit tree, never a cycle."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm.errors import DomainError, PermissionDenied
from teams.models import OrgUnit, User


def user_check_manager(*, user: User, manager: User | None) -> None:
    """A user cannot report to themselves or to anyone who reports to them (no cycles)."""
    if manager is None or user.pk is None:
        return
    if manager.pk == user.pk:
        raise ValidationError({"manager": _("A person cannot report to themselves.")})
    if user.is_superior_of(manager):
        raise ValidationError(
            {"manager": _("%(manager)s reports to %(user)s: this would make a cycle.")
             % {"manager": manager, "user": user}}
        )


def org_unit_check_parent(*, unit: OrgUnit, parent: OrgUnit | None) -> None:
    """An org unit cannot sit under itself or under one of its own sub-units (no cycles)."""
    if parent is None or unit.pk is None:
        return
    if parent.pk == unit.pk:
        raise ValidationError({"parent": _("A unit cannot be its own parent.")})
    if unit.subtree(include_self=False).filter(pk=parent.pk).exists():
        raise ValidationError(
            {"parent": _("%(parent)s is inside %(unit)s: this would make a cycle.")
             % {"parent": parent, "unit": unit}}
        )


@transaction.atomic
def user_set_manager(*, user: User, manager: User | None, by: User) -> User:
    """Only an administrator or a superior of the person moves them in the reporting line."""
    if not (by.is_admin or by.is_superior_of(user)):
        raise PermissionDenied(_("Only an administrator or a superior can change whom a person reports to."))
    # Lock both rows so two concurrent moves cannot build a cycle between them.
    ids = [user.pk] + ([manager.pk] if manager else [])
    list(User.objects.select_for_update().filter(pk__in=ids))
    try:
        user_check_manager(user=user, manager=manager)
    except ValidationError as exc:
        raise DomainError(exc.message_dict["manager"][0], field="manager") from exc
    user.manager = manager
    user.save(update_fields=["manager"])
    return user


@transaction.atomic
def org_unit_set_parent(*, unit: OrgUnit, parent: OrgUnit | None, by: User) -> OrgUnit:
    """Only an administrator reshapes the org unit tree."""
    if not by.is_admin:
        raise PermissionDenied(_("Only an administrator can change the org unit tree."))
    ids = [unit.pk] + ([parent.pk] if parent else [])
    list(OrgUnit.objects.select_for_update().filter(pk__in=ids))
    try:
        org_unit_check_parent(unit=unit, parent=parent)
    except ValidationError as exc:
        raise DomainError(exc.message_dict["parent"][0], field="parent") from exc
    unit.parent = parent
    unit.save(update_fields=["parent", "updated_at"])
    return unit


def user_set_language(*, user: User, language: str) -> User:
    """Remember the person's UI language so it follows them to every device."""
    if language not in dict(User._meta.get_field("language").choices):
        raise DomainError(_("Unknown language."), field="language")
    user.language = language
    user.save(update_fields=["language"])
    return user
