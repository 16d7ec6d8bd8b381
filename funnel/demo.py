"""Demo funnel data for `manage.py seed_demo` (after opportunities.demo): a stage history for every demo
opportunity (moves from stage 01 to where it is now, loss reasons for the lost ones), back-filled daily
snapshots (about 120 days at the small scales) so that baselines, health and the trend chart have data,
today's snapshot, and a couple of manual baselines.

Idempotent: opportunities that already have a history are left alone, and days that already have a
snapshot are not taken again. Called inside a transaction.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from funnel.models import Baseline, BaselineSource, SnapshotRun, StageChange, StageEntry
from funnel.selectors import Figure
from funnel.services import _weighted, baseline_set_manual, funnel_snapshot_take, funnel_snapshot_write
from opportunities.models import Opportunity, Stage, StageOutcome
from teams.models import OrgUnit, User

LOSS_REASONS = ["价格高于竞争对手", "竞争对手关系更好", "技术指标未满足", "客户预算取消", "项目延期"]
COMPETITORS = ["西门子", "施耐德", "华为", "新华三", "浪潮", "用友", "金蝶"]


def seed(command, scale: int) -> None:
    say = command.progress if hasattr(command, "progress") else command.stdout.write
    stages = list(Stage.objects.order_by("order", "id"))
    if not stages:
        command.stdout.write("No funnel stages: skipping the funnel demo.")
        return
    histories = _seed_histories(stages)
    days = 120 if scale <= 3 else 35
    taken = _backfill(stages, days=days)
    funnel_snapshot_take()
    manual = _seed_manual_baselines(stages)
    say(f"  Funnel: {histories} stage histories, {taken} days of snapshots back-filled, {manual} manual baselines")
    command.stdout.write(
        f"Demo funnel ready: {StageChange.objects.count()} stage changes, "
        f"{SnapshotRun.objects.count()} daily snapshots."
    )


def _seed_histories(stages: list[Stage]) -> int:
    """Moves from the first open stage to the current one, dated backwards from today; some stay long
    enough in their stage to be stuck."""
    open_stages = [s for s in stages if s.outcome == StageOutcome.OPEN and s.active]
    if not open_stages:
        return 0
    now = timezone.now()
    todo = list(Opportunity.objects.filter(stage_changes__isnull=True).select_related("stage", "primary_owner")
                .order_by("id"))
    changes, entries, touched = [], [], []
    for opportunity in todo:
        pick = random.Random(opportunity.pk * 7919)  # noqa: S311 - demo data, not security
        current = opportunity.stage
        if current.outcome == StageOutcome.OPEN:
            path = [s for s in open_stages if s.order <= current.order] or [current]
            if path[-1].pk != current.pk:
                path.append(current)
        elif current.outcome == StageOutcome.WON:
            path = [*open_stages, current]
        else:
            path = [*open_stages[: pick.randint(1, len(open_stages))], current]
        # The time spent in the current stage: mostly within its limit, about one in six beyond it.
        limit = current.stuck_after_days or 30
        spent = pick.randint(limit + 3, limit * 2) if pick.random() < 0.17 else pick.randint(1, max(2, limit - 2))
        moment = now - timedelta(days=spent, hours=pick.randint(0, 8))
        if current.outcome != StageOutcome.OPEN:
            # Closed on the day the opportunity says (its closing move is dated then), else some days ago.
            closed_on = opportunity.closed_on or timezone.localdate() - timedelta(days=pick.randint(3, 100))
            moment = timezone.make_aware(datetime.combine(closed_on, time(pick.randint(9, 17))))
        times = [moment]
        for _step in path[:-1]:
            moment -= timedelta(days=pick.randint(10, 40), hours=pick.randint(0, 8))
            times.insert(0, moment)
        opportunity.created_at = times[0]
        if current.outcome != StageOutcome.OPEN:
            opportunity.closed_on = timezone.localdate(times[-1])
        touched.append(opportunity)
        for index in range(1, len(path)):
            before, after = path[index - 1], path[index]
            lost = after.outcome == StageOutcome.LOST
            changes.append(StageChange(
                opportunity=opportunity, from_stage=before, to_stage=after,
                from_code=before.code, from_name_zh=before.name_zh, from_name_en=before.name_en,
                from_outcome=before.outcome, from_probability=before.probability,
                to_code=after.code, to_name_zh=after.name_zh, to_name_en=after.name_en, to_outcome=after.outcome,
                to_probability=after.probability,
                direction="close" if after.outcome != StageOutcome.OPEN else "forward",
                amount=opportunity.amount, weighted_before=_weighted(opportunity.amount, before.probability),
                weighted_after=_weighted(opportunity.amount, after.probability),
                loss_reason=pick.choice(LOSS_REASONS) if lost else "",
                competitor=pick.choice(opportunity.competitors or COMPETITORS) if lost else "",
                changed_by=opportunity.primary_owner, changed_at=times[index],
            ))
        entries.append(StageEntry(opportunity=opportunity, stage=current, entered_at=times[-1]))
    StageChange.objects.bulk_create(changes, batch_size=2000)
    StageEntry.objects.bulk_create(entries, batch_size=2000, ignore_conflicts=True)
    Opportunity.objects.bulk_update(touched, ["created_at", "closed_on"], batch_size=2000)
    return len(todo)


def _backfill(stages: list[Stage], *, days: int) -> int:
    """Daily snapshots of the last `days` days, replaying each opportunity's stage history (amounts as
    they are today), through the same service as the nightly job; days already taken are skipped."""
    today = timezone.localdate()
    first = today - timedelta(days=days)
    done = set(SnapshotRun.objects.filter(date__gte=first, date__lt=today).values_list("date", flat=True))
    wanted = [first + timedelta(days=offset) for offset in range(days) if first + timedelta(days=offset) not in done]
    if not wanted:
        return 0
    open_ids = {s.pk for s in stages if s.outcome == StageOutcome.OPEN}
    timelines: dict[int, list] = defaultdict(list)
    moves = StageChange.objects.order_by("opportunity_id", "changed_at", "id").values_list(
        "opportunity_id", "from_stage_id", "to_stage_id", "changed_at")
    for opportunity_id, from_stage_id, to_stage_id, changed_at in moves:
        if not timelines[opportunity_id]:
            timelines[opportunity_id].append((None, from_stage_id))  # where it was created
        timelines[opportunity_id].append((changed_at, to_stage_id))
    per_day: dict = {day: defaultdict(dict) for day in wanted}
    ends = {day: timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min)) for day in wanted}
    rows = Opportunity.objects.order_by().values_list("pk", "primary_owner_id", "amount", "created_at", "stage_id")
    for pk, owner_id, amount, created_at, stage_id in rows:
        timeline = timelines.get(pk) or [(None, stage_id)]
        for day in wanted:
            end = ends[day]
            if created_at >= end:
                continue
            where = timeline[0][1]
            for moment, to_stage in timeline[1:]:
                if moment >= end:
                    break
                where = to_stage
            if where not in open_ids:
                continue
            figure = per_day[day][owner_id].setdefault(where, Figure())
            figure.count += 1
            figure.amount += amount or Decimal("0.00")
    for day in wanted:
        funnel_snapshot_write(day=day, people=per_day[day], store_baselines=False)
    return len(wanted)


def _seed_manual_baselines(stages: list[Stage]) -> int:
    """Two examples of a manager's manual expected values: one for a person, one for a team."""
    by_code = {s.code: s for s in stages if s.outcome == StageOutcome.OPEN}
    made = 0
    team_manager = User.objects.filter(username="liqiang").first()
    person = User.objects.filter(username="zhangwei").first()
    if team_manager and person and "03" in by_code and person.manager_id == team_manager.pk and not (
            Baseline.objects.filter(user=person, stage=by_code["03"], source=BaselineSource.MANUAL).exists()):
        baseline_set_manual(by=team_manager, stage=by_code["03"], user=person, expected_count="3",
                            note="新客户拓展目标")
        made += 1
    region_manager = User.objects.filter(username="chenjing").first()
    team = OrgUnit.objects.filter(manager=team_manager).first() if team_manager else None
    if region_manager and team and "05" in by_code and not (
            Baseline.objects.filter(org_unit=team, stage=by_code["05"], source=BaselineSource.MANUAL).exists()):
        baseline_set_manual(by=region_manager, stage=by_code["05"], org_unit=team, expected_amount="3000000",
                            note="季度投标目标")
        made += 1
    return made
