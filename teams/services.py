"""Writes on the sales organisation: reporting lines and the org unit tree (never a cycle), language,
notifications, territories and assignment rules."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from crm.errors import ConflictError, DomainError, PermissionDenied
from crm.money import parse_money
from crm.relations import is_referred_to
from crm.stored_text import Text, encode
from teams.models import (
    ASSIGNMENT_SOURCES,
    AssignmentRule,
    AssignmentStrategy,
    Notification,
    OrgUnit,
    Territory,
    User,
    managed_unit_ids,
)

logger = logging.getLogger(__name__)

# Apps above teams that carry notifications elsewhere (a chat group) register a listener from their
# AppConfig.ready(): it is called with the rows `notify_many` has just written, in the writer's transaction.
_notification_listeners: dict[str, Callable[[list[Notification]], None]] = {}


def notification_listener_register(code: str, listener: Callable[[list[Notification]], None]) -> None:
    """Register (or, with the same code, replace) a listener of new notifications."""
    _notification_listeners[code] = listener


@functools.cache
def notification_kinds() -> dict[str, Any]:
    """Every kind of notification, with its label: each app declares the kinds it leaves on its app config
    (`notification_kinds`), as it offers its workbench card. Chat rules choose among them."""
    kinds: dict[str, Any] = {}
    for config in django_apps.get_app_configs():
        kinds.update(getattr(config, "notification_kinds", {}))
    return kinds


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


def users_lock(ids: Iterable[int], *, active_only: bool = False) -> set[int]:
    """Lock people's rows until the transaction ends; every service that locks people does it here. In
    primary-key order, so two transactions locking the same people never wait on each other in a circle, and
    FOR NO KEY UPDATE, so rows that only point at a person (a customer's owner, a notification, a history
    row's author: their foreign-key check takes KEY SHARE) are still written meanwhile. Returns the ids
    locked (only the active people's with `active_only`)."""
    people = User.objects.select_for_update(no_key=True, of=("self",)).filter(pk__in=set(ids))
    if active_only:
        people = people.filter(is_active=True)
    return set(people.order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def user_set_manager(*, user: User, manager: User | None, by: User) -> User:
    """Only an administrator or a superior of the person moves them in the reporting line."""
    if not (by.is_admin or by.is_superior_of(user)):
        raise PermissionDenied(_("Only an administrator or a superior can change whom a person reports to."))
    # Lock both rows so two concurrent moves cannot build a cycle between them.
    users_lock([user.pk] + ([manager.pk] if manager else []))
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


def notify(*, recipient: User | None, kind: str, message: Text | str, url: str = "") -> None:
    """Leave an in-app notification for one person (nothing happens for nobody or an inactive person)."""
    notify_many(kind=kind, notes=[(recipient, message, url)])


def notify_many(*, kind: str, notes: Iterable[tuple[User | None, Text | str, str]]) -> int:
    """Leave one notification of `kind` per (recipient, message, url) in one insert; nobody and inactive people
    get none. A message is a `crm.stored_text.Text` (its code and parameters), so each reader sees it in the
    language they read in when they open it. Returns how many were written."""
    if kind not in notification_kinds():
        raise ValueError(f"notification kind {kind!r} is not declared by any app config (notification_kinds)")
    limit = Notification._meta.get_field("message").max_length
    rows = [Notification(recipient=recipient, kind=kind, message=encode(message, limit)[:limit], url=url)
            for recipient, message, url in notes if recipient is not None and recipient.is_active]
    Notification.objects.bulk_create(rows, batch_size=1000)
    if rows:
        _notification_listeners_call(rows)
    return len(rows)


def _notification_listeners_call(rows: list[Notification]) -> None:
    """Hand the new notifications to the registered listeners. A listener that fails is logged and rolled back
    to its own savepoint: the notification, and whatever wrote it, still stand."""
    for code, listener in list(_notification_listeners.items()):
        try:
            with transaction.atomic():
                listener(rows)
        except Exception:
            logger.exception("notification listener %s failed; the notifications are kept", code)


def notify_in_language(recipient: User | None, kind: str, message, url: str = "", **params) -> None:
    """Notify one person: `message` (a lazy translation) and its parameters are stored as a `Text`, rendered in
    the language the person reads in."""
    notify(recipient=recipient, kind=kind, message=Text(message, **params), url=url)


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark the person's notifications read: the given ones, or all of them."""
    from django.utils import timezone

    unread = Notification.objects.visible_to(user).unread()
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def unit_is_managed_by(*, unit: OrgUnit | None, user: User) -> bool:
    """True if `user` manages `unit` or a unit above it; administrators manage every unit."""
    if not (user and user.is_authenticated and user.is_active) or unit is None:
        return bool(user and user.is_authenticated and user.is_active and user.is_admin)
    if user.is_admin:
        return True
    return OrgUnit.objects.filter(pk=unit.pk, pk__in=managed_unit_ids(user)).exists()



# --- Territories and assignment rules (configuration) ------------------------------------------

NAME_LIST_ITEM_MAX = 50


def _name_list(value: Any, field: str) -> list[str]:
    """A list of names (provinces, cities, industries, sources): stripped, without blanks or repeats."""
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise DomainError(_("Give a list of names."), field=field)
    names: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise DomainError(_("Give a list of names."), field=field)
        item = item.strip()
        if len(item) > NAME_LIST_ITEM_MAX:
            raise DomainError(_("A name is at most %(count)s characters.") % {"count": NAME_LIST_ITEM_MAX},
                              field=field)
        if item and item not in names:
            names.append(item)
    return names


def territory_may_configure(*, user: User, org_unit: OrgUnit | None) -> bool:
    """Administrators configure every territory; a manager those of the units they manage (and below)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_admin:
        return True
    return org_unit is not None and unit_is_managed_by(unit=org_unit, user=user)


TERRITORY_FIELDS = ("name", "org_unit", "provinces", "cities", "industries", "members", "active")


@transaction.atomic
def territory_save(*, by: User, data: Mapping[str, Any], territory: Territory | None = None) -> Territory:
    """Administrators, and managers for the units they manage, create and change territories: a unique name,
    lists of provinces, cities and industries, and members who are active and, for a manager, in their own
    team; moving a territory to another unit needs both units to be the manager's."""
    unknown = set(data) - set(TERRITORY_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %(fields)s.")
                          % {"fields": ", ".join(sorted(unknown))})
    if territory is not None:
        territory = Territory.objects.select_for_update(of=("self",)).select_related("org_unit").get(pk=territory.pk)
        if not territory_may_configure(user=by, org_unit=territory.org_unit):
            raise PermissionDenied(_("Only an administrator or a manager of the territory's unit changes it."))
    else:
        territory = Territory()
    unit = data.get("org_unit", territory.org_unit if territory.pk else None)
    if unit is None and not by.is_admin:
        raise DomainError(_("Choose the org unit the territory belongs to."), field="org_unit")
    if not territory_may_configure(user=by, org_unit=unit) and not (unit is None and by.is_admin):
        raise PermissionDenied(_("You can only set up territories for the units you manage."))
    if "name" in data or territory.pk is None:
        name = " ".join(str(data.get("name") or "").split())
        if not name:
            raise DomainError(_("Give the territory a name."), field="name")
        if len(name) > 100:
            raise DomainError(_("A name is at most %(count)s characters.") % {"count": 100}, field="name")
        if Territory.objects.filter(name__iexact=name).exclude(pk=territory.pk).exists():
            raise DomainError(_("A territory with this name exists already."), field="name")
        territory.name = name
    territory.org_unit = unit
    for field in ("provinces", "cities", "industries"):
        if field in data:
            setattr(territory, field, _name_list(data[field], field))
    if "active" in data:
        territory.active = bool(data["active"])
    members = None
    if "members" in data:
        members = list(dict.fromkeys(data["members"] or []))
        if any(not person.is_active for person in members):
            raise DomainError(_("Someone among the members is no longer active."), field="members")
        if not by.is_admin and members:
            allowed = set(by.subordinates(include_self=True).filter(pk__in=[p.pk for p in members])
                          .values_list("pk", flat=True))
            outside = [p for p in members if p.pk not in allowed]
            if outside:
                raise DomainError(_("%(person)s is not in your team.") % {"person": outside[0]}, field="members")
    territory._history_user = by
    try:
        with transaction.atomic():
            territory.save()
    except IntegrityError as exc:
        raise DomainError(_("A territory with this name exists already."), field="name") from exc
    if members is not None:
        territory.members.set(members)
    return territory


@transaction.atomic
def territory_delete(*, territory: Territory, by: User) -> None:
    """A territory nothing refers to (named accounts, plans, rules, re-deployments) is deleted by whoever may
    configure it; one in use is deactivated instead (409)."""
    territory = Territory.objects.select_for_update(of=("self",)).select_related("org_unit").get(pk=territory.pk)
    if not territory_may_configure(user=by, org_unit=territory.org_unit):
        raise PermissionDenied(_("Only an administrator or a manager of the territory's unit changes it."))
    if is_referred_to(territory):  # named accounts, plans, rules, re-deployments...
        raise ConflictError(_("The territory is in use (named accounts, plans, rules or re-deployments): "
                              "deactivate it instead."))
    territory._history_user = by
    territory.delete()


ASSIGNMENT_RULE_FIELDS = ("name", "order", "active", "provinces", "cities", "industries", "sources",
                          "min_employees", "max_employees", "min_annual_revenue", "max_annual_revenue", "strategy",
                          "user", "org_unit", "territory")


@transaction.atomic
def assignment_rule_save(*, by: User, data: Mapping[str, Any], rule: AssignmentRule | None = None
                         ) -> AssignmentRule:
    """Only administrators configure the assignment rules: conditions as lists (sources from the customer
    sources), ranges with the minimum below the maximum, and a target that fits the strategy (an active person
    for "a named person", a team or territory to share in otherwise)."""
    if not (by and by.is_authenticated and by.is_active and by.is_admin):
        raise PermissionDenied(_("Only an administrator configures the assignment rules."))
    unknown = set(data) - set(ASSIGNMENT_RULE_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %(fields)s.")
                          % {"fields": ", ".join(sorted(unknown))})
    rule = AssignmentRule.objects.select_for_update().get(pk=rule.pk) if rule is not None else AssignmentRule()
    if "name" in data or rule.pk is None:
        name = " ".join(str(data.get("name") or "").split())
        if not name:
            raise DomainError(_("Give the rule a name."), field="name")
        rule.name = name[:100]
    for field in ("provinces", "cities", "industries", "sources"):
        if field in data:
            setattr(rule, field, _name_list(data[field], field))
    known_sources = {code for code, _label in ASSIGNMENT_SOURCES}
    unknown_sources = [s for s in rule.sources if s not in known_sources]
    if unknown_sources:
        raise DomainError(_("Unknown source: %(source)s.") % {"source": unknown_sources[0]}, field="sources")
    for field in ("order", "min_employees", "max_employees"):
        if field in data:
            value = data[field]
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise DomainError(_("Enter a whole number, 0 or more."), field=field)
            setattr(rule, field, value if value is not None or field != "order" else 100)
    for field in ("min_annual_revenue", "max_annual_revenue"):
        if field in data:
            setattr(rule, field, parse_money(data[field], field=field, allow_none=True))
    if "active" in data:
        rule.active = bool(data["active"])
    if "strategy" in data:
        if data["strategy"] not in AssignmentStrategy.values:
            raise DomainError(_("Unknown strategy."), field="strategy")
        rule.strategy = data["strategy"]
    for field in ("user", "org_unit", "territory"):
        if field in data:
            setattr(rule, field, data[field])
    # The target is what the strategy uses; the other targets are cleared so the rule reads unambiguously.
    if rule.strategy == AssignmentStrategy.USER:
        rule.org_unit = rule.territory = None
        if rule.user is not None and not rule.user.is_active:
            raise DomainError(_("This person is no longer active."), field="user")
    else:
        rule.user = None
    try:
        rule.clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(messages[0], field=field) from exc
    rule._history_user = by
    rule.save()
    return rule


@transaction.atomic
def assignment_rule_delete(*, rule: AssignmentRule, by: User) -> None:
    """Only administrators remove an assignment rule (the history keeps it)."""
    if not (by and by.is_authenticated and by.is_active and by.is_admin):
        raise PermissionDenied(_("Only an administrator configures the assignment rules."))
    rule._history_user = by
    rule.delete()
