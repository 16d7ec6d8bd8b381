"""The eight default stages of spec/mission.md §3; stage 08 is two rows: won (100%) and lost (0%)."""

from django.db import migrations

# (code, outcome, order, probability, name_zh, name_en, tasks_zh, tasks_en)
DEFAULT_STAGES = [
    ("01", "open", 1, 10, "寻找联系人与需求", "Contacts and needs",
     "寻找正确的联系人,寻找正确的特性需求", "Find the right contacts and the right feature needs"),
    ("02", "open", 2, 20, "确认需求与预算", "Needs and budget",
     "查明客户需求、项目预算和项目发起人,收集详细的需求",
     "Establish needs, budget and project sponsor; collect detailed requirements"),
    ("03", "open", 3, 30, "掌握组织关系", "Customer organisation",
     "全面掌握客户组织关系", "Fully understand the customer's organisation and relationships"),
    ("04", "open", 4, 40, "确定销售目标", "Sales objective",
     "确定销售目标及销售资源申请", "Set the sales objective and request sales resources"),
    ("05", "open", 5, 50, "入围或投标", "Shortlist or bidding",
     "进入客户缩小的候选名单,或者投标和评标", "On the customer's shortlist, or bidding and bid evaluation"),
    ("06", "open", 6, 70, "唯一选择或中标", "Sole vendor or bid won",
     "企业实现惟一选择,或者中标", "Chosen as the sole vendor, or bid won"),
    ("07", "open", 7, 90, "商务谈判", "Negotiation", "商务谈判", "Commercial negotiation"),
    ("08", "won", 8, 100, "赢单", "Won",
     "企业与客户就所有条款达成协议", "Agreement on all terms"),
    ("08", "lost", 9, 0, "丢单", "Lost", "失去商机", "Opportunity lost"),
]


def seed_stages(apps, schema_editor=None):
    """Create the default stages that are missing; an administrator's edits are kept."""
    Stage = apps.get_model("funnel", "Stage")
    for code, outcome, order, probability, name_zh, name_en, tasks_zh, tasks_en in DEFAULT_STAGES:
        Stage.objects.get_or_create(
            code=code, outcome=outcome,
            defaults={"order": order, "probability": probability, "name_zh": name_zh, "name_en": name_en,
                      "tasks_zh": tasks_zh, "tasks_en": tasks_en},
        )


class Migration(migrations.Migration):
    dependencies = [("funnel", "0001_initial")]

    operations = [migrations.RunPython(seed_stages, migrations.RunPython.noop)]
