"""Texts written before they were stored as codes (issue 16): notifications, history notes, owner-change reasons
and the review queue's match reasons were stored as sentences rendered in the writer's language. Each one that
reads as a known message (in Chinese or English) becomes its code and parameters (crm.stored_text), so it is
shown in the reader's language; text people typed stays as it is.

It lives here, the app above the ones it touches (teams, accounts, opportunities, funnel, forecasting, bids and
this one), so that every table exists when it runs. The message ids are frozen below, as they were when it was
written.
"""

from django.db import migrations

MESSAGES = [
    '%(by)s added you to the sales team of %(name)s.',
    '%(by)s approved the incentive plan %(plan)s.',
    '%(by)s approved the quota allocation of %(unit)s for %(period)s.',
    '%(by)s approved the territory plan %(plan)s.',
    '%(by)s assigned you: %(subject)s',
    '%(by)s closed %(name)s as lost (stage %(code)s).',
    '%(by)s closed %(name)s as won (stage %(code)s).',
    '%(by)s created the opportunity %(name)s for you.',
    '%(by)s invited you to %(meeting)s on %(when)s (%(opportunity)s).',
    '%(by)s made you the primary owner of %(name)s.',
    '%(by)s moved %(customers)s customers and %(opportunities)s open opportunities to you.',
    '%(by)s moved %(customers)s of your customers and %(opportunities)s open opportunities to %(to)s.',
    '%(by)s moved %(name)s back to stage %(code)s %(stage)s.',
    '%(by)s moved %(name)s forward to stage %(code)s %(stage)s.',
    '%(by)s reopened %(name)s at stage %(code)s %(stage)s.',
    '%(by)s returned the incentive plan %(plan)s: %(reason)s',
    '%(by)s returned the quota allocation of %(unit)s for %(period)s.',
    '%(by)s returned the territory plan %(plan)s for rework.',
    '%(by)s submitted the incentive plan %(plan)s (expected cost %(cost)s) for your approval.',
    '%(by)s submitted the quota allocation of %(unit)s for %(period)s for your approval.',
    '%(by)s submitted the territory plan %(plan)s for your approval.',
    '%(person)s approved your forecast for %(period)s.',
    '%(person)s returned your forecast for %(period)s: %(reason)s',
    '%(person)s submitted the forecast for %(period)s: %(amount)s',
    'Accepted from %(source)s',
    'Account plan approved: %(plan)s',
    'Account plan returned: %(plan)s',
    'Account plan to review: %(plan)s',
    'Agent added',
    'Agent changed',
    'Agent removed',
    'Competitor added',
    'Competitor changed',
    'Competitor removed',
    'Confirmation withdrawn',
    'Confirmed',
    'Contacts replaced',
    'Created',
    'Credit standing rated',
    'Edited',
    'Filled from %(source)s',
    'Line added',
    'Line changed',
    'Line removed',
    'Lines changed',
    'Lines replaced',
    'Lost: stage %(old)s → %(new)s',
    'Merged %(name)s into this customer',
    'Merged from a reviewed intake record',
    'Moved back: stage %(old)s → %(new)s',
    'Moved forward: stage %(old)s → %(new)s',
    'Named on a tender',
    'New customer assigned to you: %(name)s',
    'New information waits for your review: %(name)s',
    'Primary owner changed',
    'Re-deployment #%(id)s: %(reason)s',
    'Removed',
    'Reopened for a re-issued tender',
    'Reopened: stage %(old)s → %(new)s',
    'Replaced by version %(version)s',
    'Submitted',
    'The incentive plan %(plan)s for %(period)s now covers you.',
    'Won: stage %(old)s → %(new)s',
    'Your bonus of %(amount)s under %(plan)s has been paid.',
    'Your forecast for %(period)s is due on %(due)s.',
    'Your quota for %(period)s is approved: %(amount)s.',
    'different city',
    'different credit codes',
    'one name contains the other',
    'same city',
    'same e-mail domain',
    'same name after normalisation',
    'same phone',
    'same unified social credit code',
    'same website',
    'similar name (%(percent)d%%)',
    "Created", "Edited", "Confirmed", "Confirmation withdrawn", "Primary owner changed", "Lines changed",
]
# The wording of the stage notes before they had one message per kind of move.
LEGACY = {
    "Won: stage %(old)s → %(new)s": ["中标:阶段 %(old)s → %(new)s"],
    "Lost: stage %(old)s → %(new)s": ["未中标:阶段 %(old)s → %(new)s"],
    "Reopened: stage %(old)s → %(new)s": ["重新打开:阶段 %(old)s → %(new)s"],
    "Moved back: stage %(old)s → %(new)s": ["退回:阶段 %(old)s → %(new)s"],
    "Moved forward: stage %(old)s → %(new)s": ["推进:阶段 %(old)s → %(new)s"],
    "Demo data": ["演示数据", "demo"],  # the note of the demo company's rows
}
APPS = ("teams", "accounts", "opportunities", "funnel", "forecasting", "bids", "sales_planning")


def recode(apps, schema_editor):
    from crm.stored_text import Recogniser, recode_rows

    recogniser = Recogniser(list(dict.fromkeys(MESSAGES)), LEGACY)
    notification = apps.get_model("teams", "Notification")
    recode_rows(notification.objects.all(), "message", recogniser,
                limit=notification._meta.get_field("message").max_length)
    recode_rows(apps.get_model("opportunities", "OwnerChange").objects.all(), "reason", recogniser)
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical") and any(
                    f.name == "history_change_reason" for f in model._meta.get_fields()):
                recode_rows(model.objects.all(), "history_change_reason", recogniser,
                            limit=model._meta.get_field("history_change_reason").max_length)
    intake = apps.get_model("accounts", "CustomerIntake")
    for row in intake.objects.exclude(candidates=[]).only("pk", "candidates").iterator(chunk_size=1000):
        changed = False
        for candidate in row.candidates or []:
            reasons = candidate.get("reasons") or []
            coded = [recogniser.recode(reason) or reason for reason in reasons]
            if coded != reasons:
                candidate["reasons"], changed = coded, True
        if changed:
            intake.objects.filter(pk=row.pk).update(candidates=row.candidates)


class Migration(migrations.Migration):
    dependencies = [
        ("sales_planning", "0002_real_foreign_keys"),
        ("teams", "0006_move_sales_planning_and_team_selling_out"),
        ("accounts", "0005_import_progress_and_stuck_reset"),
        ("opportunities", "0005_stage_tasks_required"),
        ("funnel", "0010_snapshot_watchdog_schedule"),
        ("forecasting", "0005_period_kind_year"),
        ("bids", "0001_initial"),
    ]

    operations = [migrations.RunPython(recode, migrations.RunPython.noop)]
