"""Defaults of spec/mission.md §3 for the funnel machinery: each stage's task checklist (Chinese and
English), the entry requirement of stage 04 (assessment done), stuck limits, the look-back settings,
and the Celery beat schedule of the daily snapshot. Values an administrator has set are kept."""

from django.conf import settings
from django.db import migrations

# (code, outcome) -> (stuck after days, requirements, checklist zh, checklist en)
DEFAULTS = {
    ("01", "open"): (30, [], ["识别客户方的关键联系人", "确认客户的特性需求", "登记首次接触活动"],
                     ["Identify the key contacts at the customer", "Confirm the customer's feature needs",
                      "Log the first contact activity"]),
    ("02", "open"): (30, [], ["查明客户需求并形成需求清单", "确认项目预算", "确认项目发起人", "收集详细需求"],
                     ["Establish the needs and write them down", "Confirm the project budget",
                      "Identify the project sponsor", "Collect the detailed requirements"]),
    ("03", "open"): (45, [], ["梳理客户组织结构图", "识别决策者、影响者和使用者", "评估与各关键人的关系"],
                     ["Map the customer's organisation chart", "Identify decision makers, influencers and users",
                      "Assess our relationship with each key person"]),
    ("04", "open"): (45, ["assessment_done"], ["完成商机价值评估(20 问)", "确定销售目标", "申请售前、方案等销售资源"],
                     ["Complete the opportunity assessment (20 questions)", "Set the sales objective",
                      "Request sales resources (presales, solution)"]),
    ("05", "open"): (60, [], ["进入客户候选名单", "准备投标文件或方案建议书", "跟进评标过程"],
                     ["Get on the customer's shortlist", "Prepare the bid or the proposal",
                      "Follow the bid evaluation"]),
    ("06", "open"): (30, [], ["确认成为唯一选择或中标", "准备合同草案"],
                     ["Confirm sole-vendor status or the bid award", "Prepare the draft contract"]),
    ("07", "open"): (30, [], ["商务谈判:价格、付款与交付条款", "获得内部特价或条款审批"],
                     ["Negotiate price, payment and delivery terms",
                      "Get internal approval of special prices or terms"]),
    ("08", "won"): (None, [], ["签订合同", "移交交付与服务团队"],
                    ["Sign the contract", "Hand over to delivery and service"]),
    ("08", "lost"): (None, [], ["记录丢单原因与竞争对手", "总结经验教训"],
                     ["Record the loss reason and the competitor", "Write down the lessons learned"]),
}
TASK_NAME = "funnel: daily snapshot, baselines and health"
TASK = "funnel.tasks.funnel_daily_snapshot"


def seed_funnel_config(apps, schema_editor=None):
    """Fill what is still empty; an administrator's values are left alone (safe to run again)."""
    Stage = apps.get_model("funnel", "Stage")
    for stage in Stage.objects.all():
        defaults = DEFAULTS.get((stage.code, stage.outcome))
        if defaults is None:
            continue
        stuck, requirements, checklist_zh, checklist_en = defaults
        changed = []
        if not stage.checklist_zh:
            stage.checklist_zh = "\n".join(checklist_zh)
            changed.append("checklist_zh")
        if not stage.checklist_en:
            stage.checklist_en = "\n".join(checklist_en)
            changed.append("checklist_en")
        if requirements and not stage.requirements:
            stage.requirements = requirements
            changed.append("requirements")
        if stuck and stage.stuck_after_days is None:
            stage.stuck_after_days = stuck
            changed.append("stuck_after_days")
        if changed:
            stage.save(update_fields=changed)
    FunnelSettings = apps.get_model("funnel", "FunnelSettings")
    if not FunnelSettings.objects.exists():
        FunnelSettings.objects.create()


def schedule_daily_snapshot(apps, schema_editor=None):
    """Every night at 01:30 (company time zone) the snapshot runs; an existing schedule is kept."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    crontab, _created = CrontabSchedule.objects.get_or_create(
        minute="30", hour="1", day_of_week="*", day_of_month="*", month_of_year="*", timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.create(name=TASK_NAME, task=TASK, crontab=crontab, enabled=True,
                                description="Snapshot of every person's and unit's funnel, then baselines and health.")


def unschedule(apps, schema_editor=None):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("funnel", "0003_funnel_machinery"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(seed_funnel_config, migrations.RunPython.noop),
        migrations.RunPython(schedule_daily_snapshot, unschedule),
    ]
