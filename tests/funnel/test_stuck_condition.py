"""The stuck opportunities' condition (funnel.selectors.stuck_queryset) is written as SQL: it finds what the Q
objects it replaced found, in every stage, for every owner filter, with and without the same-stage test."""

from collections import defaultdict
from datetime import datetime, time, timedelta

import pytest
from django.db.models import Count, F, Q
from django.utils import timezone

from funnel.models import StageEntry
from funnel.selectors import open_stages, stuck_queryset
from opportunities.models import Opportunity, StageOutcome
from tests.factories import OpportunityFactory, UserFactory, stage

pytestmark = pytest.mark.django_db


def the_q_way(*, owner_ids=None, same_stage=True):
    """stuck_queryset as it was written with Q objects."""
    today = timezone.localdate()
    by_limit = defaultdict(list)
    for each in open_stages():
        if each.outcome == StageOutcome.OPEN and each.stuck_after_days:
            by_limit[each.stuck_after_days].append(each.pk)
    condition = None
    for days, stage_ids in sorted(by_limit.items()):
        cutoff = timezone.make_aware(datetime.combine(today - timedelta(days=days), time.min))
        parts = ([Q(stage_id=pk, stage_entry__stage_id=pk) for pk in stage_ids] if same_stage
                 else [Q(stage_entry__stage_id__in=stage_ids)])
        for part in parts:
            part &= Q(stage_entry__entered_at__lt=cutoff)
            condition = part if condition is None else condition | part
    queryset = Opportunity.objects.filter(condition)
    if owner_ids is not None:
        queryset = queryset.filter(primary_owner__in=owner_ids)
    return queryset.annotate(entered_at=F("stage_entry__entered_at"), entry_stage_id=F("stage_entry__stage_id"))


def rows(queryset):
    return list(queryset.order_by("entered_at", "id").values_list("pk", "stage_id", "entry_stage_id", "entered_at"))


def test_the_sql_condition_finds_what_the_q_objects_found(owner):
    other = UserFactory()
    now = timezone.now()
    stages = [stage(code) for code in ("01", "02", "03", "04", "05", "06", "07")] + [stage("08", "won")]
    for index, at in enumerate(stages * 3):
        for person in (owner, other):
            opportunity = OpportunityFactory(primary_owner=person, stage=at)
            days = (index * 7) % 95  # both sides of every stage's limit
            entered = at
            if index % 5 in (0, 3):  # some entries left behind in the next stage or the previous one
                entered = stages[(index + (1 if index % 5 == 0 else -1)) % len(stages)]
            StageEntry.objects.create(opportunity=opportunity, stage=entered,
                                      entered_at=now - timedelta(days=days, hours=index))
    OpportunityFactory(primary_owner=owner, stage=stage("01"))  # no entry (yet): never stuck
    for code, days in (("01", 30), ("05", 60), ("05", 61)):  # entered at midnight: on the limit, then past it
        midnight = timezone.make_aware(datetime.combine(timezone.localdate() - timedelta(days=days), time.min))
        StageEntry.objects.create(opportunity=OpportunityFactory(primary_owner=owner, stage=stage(code)),
                                  stage=stage(code), entered_at=midnight)
    seen = 0
    for same_stage in (True, False):
        for owner_ids in (None, [owner.pk], [owner.pk, other.pk], []):
            new = stuck_queryset(owner_ids=owner_ids, same_stage=same_stage)
            old = the_q_way(owner_ids=owner_ids, same_stage=same_stage)
            assert rows(new) == rows(old)
            assert new.count() == old.count()
            assert (list(new.order_by().values_list("stage_id").annotate(count=Count("id")).order_by("stage_id"))
                    == list(old.order_by().values_list("stage_id").annotate(count=Count("id")).order_by("stage_id")))
            seen += len(rows(new))
    assert seen > 0
