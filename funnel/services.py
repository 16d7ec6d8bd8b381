"""Writes of the sales funnel: moving an opportunity between stages (the one contract other apps call),
stage configuration, manual baselines, and the daily snapshot with its baselines and health.

Each function is the one place its rule lives; pages, the API, tasks and other apps call it. Each runs
in one transaction, checks who may do it, and raises a domain error (crm.errors) when refused.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from contextlib import contextmanager
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crm.errors import ConflictError, DomainError, PermissionDenied
from crm.money import CENT, MAX_MONEY, money_round, to_decimal
from funnel import selectors
from funnel.models import (
    Baseline,
    BaselineSource,
    ClosedSnapshot,
    FunnelSettings,
    FunnelSnapshot,
    SnapshotRun,
    StageChange,
    StageEntry,
    StageTaskDone,
)
from funnel.selectors import Figure
from opportunities.models import Opportunity, Stage, StageOutcome
from teams.models import OrgUnit, User, managed_unit_ids
from teams.services import notify

logger = logging.getLogger(__name__)

HUNDRED = Decimal(100)
MAX_COUNT = Decimal("1e10")


def _weighted(amount: Decimal, probability: int) -> Decimal:
    return (amount * probability / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def _resolve(stage_code: str, outcome: str | None) -> Stage:
    code = str(stage_code or "").strip()
    if not code:
        raise DomainError(_("Name the stage."), field="stage")
    if outcome not in (None, "") and outcome not in StageOutcome.values:
        raise DomainError(_("The outcome is won or lost."), field="outcome")
    try:
        return Stage.objects.resolve(code, outcome or None)
    except Stage.MultipleObjectsReturned as exc:
        raise DomainError(_("Stage %(code)s needs an outcome: won or lost.") % {"code": code},
                          field="outcome") from exc
    except Stage.DoesNotExist as exc:
        if outcome and Stage.objects.filter(code=code, active=True).exists():
            raise DomainError(_("Stage %(code)s has no outcome %(outcome)s.") % {"code": code, "outcome": outcome},
                              field="outcome") from exc
        raise DomainError(_("Unknown stage: %(code)s.") % {"code": code}, field="stage") from exc


# --- Moving an opportunity --------------------------------------------------------------------

def _check_required_tasks(left: list[selectors.OpenTask], *, target: Stage) -> None:
    """A stage's required tasks are never left open by a forward move: refused, with the list."""
    required = [task for task in left if task.required]
    if required:
        raise DomainError(" ".join([_("Cannot move to stage %(code)s yet: these required tasks are open:")
                                    % {"code": target.code}, "; ".join(str(task) for task in required) + "."]),
                          field="stage")


class OpenTasksToConfirm(DomainError):
    """A forward move that skips a stage would leave checklist tasks open (none required): the person is asked
    once, with the list, and moves with `skip_open_tasks=True` if they mean it."""

    def __init__(self, tasks: list[selectors.OpenTask], *, target: Stage) -> None:
        stages = ", ".join(dict.fromkeys(task.stage.code for task in tasks))
        super().__init__(ngettext(
            "Moving to stage %(code)s skips a stage and leaves %(count)d checklist task open (stage %(stages)s). "
            "Confirm to move anyway.",
            "Moving to stage %(code)s skips a stage and leaves %(count)d checklist tasks open (stages %(stages)s). "
            "Confirm to move anyway.", len(tasks)) % {"code": target.code, "count": len(tasks), "stages": stages},
            field="skip_open_tasks")
        self.tasks = tasks


def _check_skipped_tasks(left: list[selectors.OpenTask], *, current: Stage, target: Stage) -> None:
    if any(task.stage.pk not in (current.pk, target.pk) for task in left):
        raise OpenTasksToConfirm(left, target=target)


@transaction.atomic
def opportunity_move(
    *, opportunity: Opportunity, stage_code: str, by: User | None, outcome: str | None = None,
    loss_reason: str = "", competitor: str = "", note: str = "", skip_open_tasks: bool = False,
) -> Opportunity:
    """Move an opportunity to another stage: the primary owner, their superiors or an administrator (never
    another team member) may; a closed one is reopened only by a superior or an administrator; moving
    forward needs the entry requirements of every stage passed; 08-lost needs a loss reason; moving to the
    stage it is in does nothing. Moving forward never leaves a required checklist task open (the stage's
    `tasks_required`); a person who skips a stage and would leave other tasks open is asked first
    (`OpenTasksToConfirm`, unless `skip_open_tasks`). The move is recorded
    with the stage as it was (StageChange); a close dates the opportunity (`closed_on`), a reopening clears it.

    `by=None` is a move on the system's own authority (a background job, another app's service acting on
    a rule it has already checked): permission is not checked, everything else is, and the history says
    "system". Pages and the API always pass the signed-in person.
    """
    target = _resolve(stage_code, outcome)
    # Lock the opportunity row only (not the stage or owner rows a join would also lock).
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    current = Stage.objects.get(pk=opportunity.stage_id)
    opportunity.stage = current
    owner = User.objects.get(pk=opportunity.primary_owner_id)
    opportunity.primary_owner = owner
    if by is not None:
        if not selectors.may_move(by, opportunity):
            raise PermissionDenied(_("Only the primary owner, their superiors or an administrator can move this "
                                     "opportunity."))
        if current.is_closed and target.pk != current.pk and not selectors.may_reopen(by, opportunity):
            raise PermissionDenied(_("This opportunity is closed (%(stage)s); only a superior of the primary owner "
                                     "or an administrator can reopen it.") % {"stage": current.name})
    if target.pk == current.pk:
        return opportunity  # nothing to do: a repeated click or a retried call changes nothing
    loss_reason = " ".join((loss_reason or "").split())
    competitor = " ".join((competitor or "").split())
    if target.outcome == StageOutcome.LOST:
        if not loss_reason:
            raise DomainError(_("Give the reason the opportunity was lost."), field="loss_reason")
        if len(loss_reason) > 500:
            raise DomainError(_("Keep the loss reason under 500 characters."), field="loss_reason")
        if len(competitor) > 100:
            raise DomainError(_("Keep the competitor's name under 100 characters."), field="competitor")
    else:
        loss_reason, competitor = "", ""
    unmet = selectors.forward_requirements_unmet(opportunity=opportunity, target=target)
    if unmet:
        raise DomainError(" ".join([_("Cannot move to stage %(code)s yet:") % {"code": target.code}, *unmet]),
                          field="stage")
    left = selectors.open_tasks_left(opportunity=opportunity, target=target)
    _check_required_tasks(left, target=target)
    if by is not None and not skip_open_tasks:
        _check_skipped_tasks(left, current=current, target=target)
    if current.is_closed:
        direction = "reopen" if target.outcome == StageOutcome.OPEN else "reclose"
    elif target.is_closed:
        direction = "close"
    else:
        direction = "forward" if target.order > current.order else "backward"
    now = timezone.now()
    change = StageChange.objects.create(
        opportunity=opportunity, from_stage=current, to_stage=target,
        from_code=current.code, from_name_zh=current.name_zh, from_name_en=current.name_en,
        from_outcome=current.outcome, from_probability=current.probability,
        to_code=target.code, to_name_zh=target.name_zh, to_name_en=target.name_en,
        to_outcome=target.outcome, to_probability=target.probability, direction=direction,
        amount=opportunity.amount, weighted_before=_weighted(opportunity.amount, current.probability),
        weighted_after=_weighted(opportunity.amount, target.probability),
        loss_reason=loss_reason, competitor=competitor, note=(note or "").strip()[:2000],
        changed_by=by, changed_at=now,
    )
    StageEntry.objects.update_or_create(opportunity=opportunity, defaults={"stage": target, "entered_at": now})
    opportunity.stage = target
    # The day it was won or lost dates it in every report; a reopening clears it.
    opportunity.closed_on = timezone.localdate(now) if target.is_closed else None
    # django-simple-history reads these: the opportunity's own timeline shows the move and who made it.
    opportunity._history_user = by
    opportunity._change_reason = change.history_note()
    opportunity.save(update_fields=["stage", "closed_on", "updated_at"])
    opportunity.last_stage_change = change
    if by is not None and by.pk != owner.pk:
        notify(recipient=owner, kind="opportunity_stage",
               message=change.notification(by=by, name=opportunity.name),
               url=opportunity.get_absolute_url())
    return opportunity


# --- When an opportunity entered its stage -----------------------------------------------------------

def stage_entry_start(*, opportunity: Opportunity, at: datetime | None = None) -> StageEntry:
    """A new opportunity enters its first stage now: called in the opportunities' creation transaction (the
    `opportunity_created` hook, connected in funnel/apps.py), so every opportunity has the StageEntry that
    "days in stage" and stuck counts read."""
    entry, _created = StageEntry.objects.update_or_create(
        opportunity=opportunity, defaults={"stage_id": opportunity.stage_id, "entered_at": at or timezone.now()})
    return entry


_ENTERED_AT = """COALESCE((SELECT MAX(c.changed_at) FROM {change} c
                           WHERE c.opportunity_id = o.id AND c.to_stage_id = o.stage_id), o.created_at)"""


def stage_entries_backfill() -> tuple[int, int]:
    """Give every opportunity the StageEntry of its current stage: the latest recorded move into that stage,
    else its creation. Missing entries (opportunities created outside the creation service: imports, bulk
    loads) are inserted and entries left in another stage (a stage changed outside the move service) are
    restarted. Two statements whatever the size; returns (inserted, repaired)."""
    entry, opportunity, change = (StageEntry._meta.db_table, Opportunity._meta.db_table, StageChange._meta.db_table)
    entered = _ENTERED_AT.format(change=change)
    # Table names come from the models, never from input (S608).
    same = f"FROM {opportunity} o WHERE o.id = {entry}.opportunity_id"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {entry} SET stage_id = (SELECT o.stage_id {same}), entered_at = (SELECT {entered} {same}) "  # noqa: S608
            f"WHERE EXISTS (SELECT 1 {same} AND o.stage_id <> {entry}.stage_id)")
        repaired = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {entry} (opportunity_id, stage_id, entered_at) SELECT o.id, o.stage_id, {entered} "  # noqa: S608
            f"FROM {opportunity} o WHERE NOT EXISTS (SELECT 1 FROM {entry} e WHERE e.opportunity_id = o.id)")
        inserted = cursor.rowcount
        if inserted + repaired > 10_000 and connection.vendor == "postgresql":
            # So that the planner sees the new rows at once, not after autovacuum's next pass.
            cursor.execute(f"ANALYZE {entry}")
    if inserted or repaired:
        logger.info("stage entries: %d inserted, %d repaired", inserted, repaired)
    return inserted, repaired


# --- Ticking off a stage's tasks on an opportunity -----------------------------------------------------

@transaction.atomic
def stage_task_set(*, opportunity: Opportunity, position: Any, done: bool, by: User) -> StageTaskDone | None:
    """Tick off (or untick) one task of the opportunity's current stage: whoever may edit the opportunity
    may; the tick records who and when, and the model's history keeps every tick and untick."""
    # Only the opportunity's row: the joined stage and owner rows stay unlocked (a lock on the owner's user row
    # would deadlock with any write pointing at that person, see teams.services.users_lock).
    opportunity = Opportunity.objects.select_for_update(of=("self",)).select_related("stage", "primary_owner").get(
        pk=opportunity.pk)
    if not selectors.may_tick_tasks(by, opportunity):
        raise PermissionDenied(_("Only the primary owner, their superiors or an administrator can change this "
                                 "opportunity."))
    stage = opportunity.stage
    tasks = stage.checklist
    try:
        index = int(str(position))
    except (TypeError, ValueError):
        index = -1
    if not 0 <= index < len(tasks):
        raise DomainError(_("This stage has no such task."), field="position")
    row = StageTaskDone.objects.filter(opportunity=opportunity, stage=stage, position=index).first()
    if done:
        if row is None:
            row = StageTaskDone(opportunity=opportunity, stage=stage, position=index, task=tasks[index][:300],
                                done_by=by, done_at=timezone.now())
            row._history_user = by
            row.save()
        return row
    if row is not None:
        row._history_user = by
        row.delete()
    return None


# --- Stage configuration ----------------------------------------------------------------------

STAGE_FIELDS = ["code", "name_zh", "name_en", "tasks_zh", "tasks_en", "checklist_zh", "checklist_en", "tasks_required",
                "order",
                "probability", "outcome", "active", "requirements", "stuck_after_days"]


@transaction.atomic
def stage_save(*, stage: Stage, by: User, data: Mapping[str, Any]) -> Stage:
    """Administrators configure stages, within the stage's own rules (Stage.clean: registered requirements, a
    code unique per outcome, a stage holding opportunities keeps its outcome); the API and the admin save here."""
    if not (by and by.is_authenticated and by.is_admin):
        raise PermissionDenied(_("Only an administrator can configure the funnel stages."))
    if stage.pk:
        stage = Stage.objects.select_for_update().get(pk=stage.pk)
    for name, value in data.items():
        if name not in STAGE_FIELDS:
            raise DomainError(_("Unknown field."), field=name)
        setattr(stage, name, value)
    try:
        stage.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError(" ".join(messages), field=None if field == NON_FIELD_ERRORS else field) from error
    stage.requirements = list(dict.fromkeys(stage.requirements))
    stage._history_user = by
    stage.save()
    return stage


def stage_in_use(stage: Stage) -> bool:
    return (Opportunity.objects.filter(stage=stage).exists()
            or StageChange.objects.filter(to_stage=stage).exists()
            or StageChange.objects.filter(from_stage=stage).exists()
            or FunnelSnapshot.objects.filter(stage=stage).exists()
            or Baseline.objects.filter(stage=stage).exists())


@transaction.atomic
def stage_delete(*, stage: Stage, by: User) -> None:
    """Administrators delete a stage nothing uses; one in use is refused (409): deactivate it instead."""
    if not (by and by.is_authenticated and by.is_admin):
        raise PermissionDenied(_("Only an administrator can configure the funnel stages."))
    if stage_in_use(stage):
        raise ConflictError(_("Opportunities or their history use this stage: deactivate it instead."))
    stage.delete()


# --- Manual baselines -------------------------------------------------------------------------

def baseline_may_set(*, by: User, user: User | None = None, org_unit: OrgUnit | None = None) -> bool:
    """Administrators, and managers for the people below them and the units below the ones they manage;
    nobody sets their own (their own person or a unit they manage themselves)."""
    if not (by and by.is_authenticated and by.is_active):
        return False
    if user is not None:
        if user.pk == by.pk:
            return False
        return by.is_admin or by.is_superior_of(user)
    if org_unit is not None:
        if org_unit.manager_id == by.pk:
            return False
        return by.is_admin or OrgUnit.objects.filter(pk=org_unit.pk, pk__in=managed_unit_ids(by)).exists()
    return False


def _expected(value: Any, *, field: str, maximum: Decimal) -> Decimal | None:
    """An optional expected figure: none, or a non-negative number below `maximum`, half-up to 0.01."""
    if value in (None, ""):
        return None
    return money_round(to_decimal(value, field=field, maximum=maximum))


def _check_baseline_holder(by: User, user: User | None, org_unit: OrgUnit | None) -> None:
    if (user is None) == (org_unit is None):
        raise DomainError(_("Name a person or an org unit, not both."), field="user")
    if not selectors.holder_visible(viewer=by, user=user, org_unit=org_unit):
        raise PermissionDenied(_("This person or unit is outside your part of the organisation."))
    if not baseline_may_set(by=by, user=user, org_unit=org_unit):
        raise PermissionDenied(_("Baselines are set by an administrator or a manager above; nobody sets their own."))


@transaction.atomic
def baseline_set_manual(
    *, by: User, stage: Stage, user: User | None = None, org_unit: OrgUnit | None = None,
    expected_count: Any = None, expected_amount: Any = None, note: str = "",
) -> tuple[Baseline, bool]:
    """An administrator, or a manager for a person or unit in their subtree (never their own), sets the
    expected count and/or amount of an open stage; it overrides the history. Returns (baseline, created)."""
    _check_baseline_holder(by, user, org_unit)
    if stage.outcome != StageOutcome.OPEN:
        raise DomainError(_("Baselines are for the open stages."), field="stage")
    count = _expected(expected_count, field="expected_count", maximum=MAX_COUNT)
    amount = _expected(expected_amount, field="expected_amount", maximum=MAX_MONEY)
    if count is None and amount is None:
        raise DomainError(_("Give the expected count, the expected amount, or both."), field="expected_count")
    holder = {"user": user} if user is not None else {"org_unit": org_unit}
    baseline = (Baseline.objects.select_for_update()
                .filter(**holder, stage=stage, source=BaselineSource.MANUAL).first())
    created = baseline is None
    if created:
        baseline = Baseline(**holder, stage=stage, source=BaselineSource.MANUAL)
    baseline.expected_count = count
    baseline.expected_amount = amount
    baseline.note = (note or "").strip()[:300]
    baseline.set_by = by
    baseline.computed_at = timezone.now()
    baseline.lookback = ""
    baseline.sample_days = 0
    baseline._history_user = by
    baseline.save()
    return baseline, created


@transaction.atomic
def baseline_clear_manual(*, baseline: Baseline, by: User) -> None:
    """The same people who set a manual baseline remove it; the history value applies again."""
    baseline = Baseline.objects.select_for_update().get(pk=baseline.pk)
    if baseline.source != BaselineSource.MANUAL:
        raise ConflictError(_("History baselines are recomputed every day; set a manual value to override one."))
    _check_baseline_holder(by, baseline.user, baseline.org_unit)
    baseline._history_user = by
    baseline.delete()


# --- The daily snapshot, baselines and health -------------------------------------------------

def _holder_fields(key: tuple[str, int]) -> dict:
    return {"user_id": key[1]} if key[0] == "u" else {"org_unit_id": key[1]}


def _store_history_baselines(history: Mapping[tuple, selectors.HistoryValue]) -> int:
    """Make the history baselines equal `history`: create, update what changed, delete what has no data."""
    existing = {((("u", b.user_id) if b.user_id else ("o", b.org_unit_id)), b.stage_id): b
                for b in Baseline.objects.filter(source=BaselineSource.HISTORY)}
    now = timezone.now()
    create, update = [], []
    for key, value in history.items():
        holder, stage_id = key
        baseline = existing.pop(key, None)
        if baseline is None:
            create.append(Baseline(**_holder_fields(holder), stage_id=stage_id, source=BaselineSource.HISTORY,
                                   expected_count=value.count, expected_amount=value.amount,
                                   lookback=value.lookback[:200], sample_days=value.days, computed_at=now))
        elif (baseline.expected_count, baseline.expected_amount, baseline.lookback, baseline.sample_days) != (
                value.count, value.amount, value.lookback[:200], value.days):
            baseline.expected_count, baseline.expected_amount = value.count, value.amount
            baseline.lookback, baseline.sample_days, baseline.computed_at = value.lookback[:200], value.days, now
            update.append(baseline)
    Baseline.objects.bulk_create(create, batch_size=2000)
    Baseline.objects.bulk_update(update, ["expected_count", "expected_amount", "lookback", "sample_days",
                                          "computed_at"], batch_size=2000)
    if existing:
        Baseline.objects.filter(pk__in=[b.pk for b in existing.values()]).delete()
    return len(create) + len(update) + len(existing)


SNAPSHOT_VALUES = ["count", "amount", "weighted_amount", "stuck", "expected_count", "expected_amount"]


@transaction.atomic
def funnel_snapshot_write(
    *, day: date, people: Mapping[int, Mapping[int, Figure]], store_baselines: bool = True,
    taken_at: datetime | None = None, closes: Mapping[int, Mapping[str, Figure]] | None = None,
) -> SnapshotRun:
    """Write one day's funnel of every person and unit per open stage, with the expected values in force
    that day (manual over history), from per-person figures; units are summed up the org tree in Python.
    Idempotent: a second run with the same figures writes nothing; two workers run one after the other.
    `taken_at`: when the figures were read (the funnel page shows a large unit's figures as of then).
    `closes`: each person's won and lost of the last `selectors.CLOSED_DAYS` days, by outcome; every unit's sum is
    kept with the day (ClosedSnapshot) for the funnel page of a large unit."""
    run, _created = SnapshotRun.objects.get_or_create(date=day)
    run = SnapshotRun.objects.select_for_update().get(pk=run.pk)
    settings = FunnelSettings.load()
    stage_ids = {stage_id for by_stage in people.values() for stage_id in by_stage}
    stages = selectors.funnel_stages(holding=stage_ids)
    probability = {stage.pk: stage.probability for stage in stages}
    membership, active = {}, set()
    for pk, unit_id, is_active in User.objects.order_by().values_list("pk", "org_unit_id", "is_active"):
        membership[pk] = unit_id
        if is_active:
            active.add(pk)
    parents = dict(OrgUnit.objects.order_by().values_list("pk", "parent_id"))
    units = selectors.rollup(people=people, membership=membership, parents=parents)
    holders: dict[tuple[str, int], Mapping[int, Figure]] = {("u", pk): people.get(pk, {}) for pk in active}
    holders.update({("u", pk): figures for pk, figures in people.items() if pk in membership})
    holders.update({("o", pk): figures for pk, figures in units.items()})
    history = selectors.history_expectations(as_of=day, settings=settings)
    if store_baselines:
        _store_history_baselines(history)
    manual = selectors.manual_expectations()
    wanted = {}
    for holder, figures in holders.items():
        for stage in stages:
            figure = figures.get(stage.pk) or Figure()
            past, override = history.get((holder, stage.pk)), manual.get((holder, stage.pk))
            expected_count = past.count if past else None
            expected_amount = past.amount if past else None
            if override is not None and override.expected_count is not None:
                expected_count = override.expected_count
            if override is not None and override.expected_amount is not None:
                expected_amount = override.expected_amount
            wanted[(holder, stage.pk)] = (figure.count, figure.amount, _weighted(figure.amount, probability[stage.pk]),
                                          figure.stuck, expected_count, expected_amount)
    existing = {}
    for row in FunnelSnapshot.objects.filter(date=day):
        existing[((("u", row.user_id) if row.user_id else ("o", row.org_unit_id)), row.stage_id)] = row
    create, update = [], []
    for key, values in wanted.items():
        row = existing.pop(key, None)
        if row is None:
            create.append(FunnelSnapshot(date=day, **_holder_fields(key[0]), stage_id=key[1],
                                         **dict(zip(SNAPSHOT_VALUES, values, strict=True))))
        elif tuple(getattr(row, name) for name in SNAPSHOT_VALUES) != values:
            for name, value in zip(SNAPSHOT_VALUES, values, strict=True):
                setattr(row, name, value)
            update.append(row)
    FunnelSnapshot.objects.bulk_create(create, batch_size=5000)
    FunnelSnapshot.objects.bulk_update(update, SNAPSHOT_VALUES, batch_size=2000)
    if existing:
        FunnelSnapshot.objects.filter(pk__in=[row.pk for row in existing.values()]).delete()
    changed = bool(create or update or existing)
    if closes is not None:
        changed = _closed_snapshot_write(day=day, closes=closes, membership=membership, parents=parents) or changed
    if changed or run.finished_at is None:
        # A run that changes nothing keeps the earlier time: the figures were already those then.
        run.finished_at = timezone.now()
        run.rows = len(wanted)
        run.taken_at = taken_at
        run.save(update_fields=["finished_at", "rows", "taken_at"])
    logger.info("funnel snapshot %s: %d rows (%d new, %d changed, %d removed)", day, len(wanted), len(create),
                len(update), len(existing))
    return run


def _closed_snapshot_write(*, day: date, closes: Mapping[int, Mapping[str, Figure]],
                           membership: Mapping[int, int | None], parents: Mapping[int, int | None]) -> bool:
    """Make the day's ClosedSnapshot rows every unit's sum of its people's `closes` (a row for won and one for lost,
    zero included, so a unit without rows has no snapshot of its closes); True if anything changed."""
    units = selectors.rollup(people=closes, membership=membership, parents=parents)
    days = selectors.CLOSED_DAYS
    wanted = {(unit_id, outcome): (figures.get(outcome) or Figure())
              for unit_id, figures in units.items() for outcome in (StageOutcome.WON, StageOutcome.LOST)}
    existing = {(row.org_unit_id, row.outcome): row for row in ClosedSnapshot.objects.filter(date=day, days=days)}
    create, update = [], []
    for (unit_id, outcome), figure in wanted.items():
        row = existing.pop((unit_id, outcome), None)
        if row is None:
            create.append(ClosedSnapshot(date=day, org_unit_id=unit_id, outcome=outcome, days=days,
                                         count=figure.count, amount=figure.amount))
        elif (row.count, row.amount) != (figure.count, figure.amount):
            row.count, row.amount = figure.count, figure.amount
            update.append(row)
    ClosedSnapshot.objects.bulk_create(create, batch_size=5000)
    ClosedSnapshot.objects.bulk_update(update, ["count", "amount"], batch_size=2000)
    if existing:
        ClosedSnapshot.objects.filter(pk__in=[row.pk for row in existing.values()]).delete()
    return bool(create or update or existing)


def funnel_snapshot_ensure(*, day: date | None = None) -> SnapshotRun | None:
    """The watchdog of the daily job (06:00): when the day's snapshot is missing (its 01:30 job was lost with
    a worker or a broker outage, or failed), take it now; None when it is there."""
    day = day or timezone.localdate()
    if SnapshotRun.objects.filter(date=day, finished_at__isnull=False).exists():
        return None
    logger.warning("funnel snapshot of %s missing at the watchdog's hour; taking it now", day)
    return funnel_snapshot_take(day=day)


@contextmanager
def _one_moment():
    """A transaction whose statements all see the database as of its first one: REPEATABLE READ on
    PostgreSQL (its default, READ COMMITTED, gives each statement its own moment); SQLite's transaction already
    reads one moment. Inside a caller's transaction the isolation is the caller's (it cannot change once begun)."""
    connection = connections[router.db_for_read(Opportunity)]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=connection.alias):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def funnel_snapshot_take(*, day: date | None = None) -> SnapshotRun:
    """The daily job: the missing stage entries back-filled, then today's funnel of every person and unit
    (count, amount, stuck, and the won and lost of the last 90 days) from aggregate queries over the opportunities,
    then the history baselines recomputed and the day's health (expected values) stored. The figures are read in
    one transaction that sees one moment of the database (REPEATABLE READ on PostgreSQL), so a deal closed while
    they are read is either open in them or closed, never both."""
    today = timezone.localdate()
    day = day or today
    stage_entries_backfill()
    with _one_moment():
        stage_ids = Stage.objects.filter(outcome=StageOutcome.OPEN).values_list("pk", flat=True)
        taken_at = timezone.now()
        people = selectors.owner_figures(stage_ids=list(stage_ids), today=day)
        closes = selectors.owner_closes(today=day)
    # Only today's figures are "as of" a moment; a day taken late (a retry, a back-fill) is not shown as such.
    return funnel_snapshot_write(day=day, people=people, store_baselines=True,
                                 taken_at=taken_at if day == today else None, closes=closes)

