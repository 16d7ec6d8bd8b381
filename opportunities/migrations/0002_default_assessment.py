"""The 20 questions of spec/mission.md §2 and the threshold 10.

The Chinese is the wording of seed.zh.txt; where it names a quality rather than asking
(…的强弱, …的高低) the meaning of "yes" is added, as the English does, and the source's
typo 说服务力 reads 说服力.
"""

from django.db import migrations

# (code, dimension, text_zh, text_en)
DEFAULT_QUESTIONS = [
    ("q1", "opportunity", "客户的应用和方案是否明确", "Are the customer's application and solution clear?"),
    ("q2", "opportunity", "是否知道客户的营业利润", "Do we know the customer's operating profit?"),
    ("q3", "opportunity", "客户财务能力的强弱(是=强)", "Is the customer financially strong?"),
    ("q4", "opportunity", "是否有项目资金准备", "Is project funding in place?"),
    ("q5", "opportunity", "有说服力的事件是否明确", "Is there a clear compelling event?"),
    ("q6", "competitiveness", "正式的判断标准是否明确", "Are the formal decision criteria clear?"),
    ("q7", "competitiveness", "解决方案的好坏(是=好)", "Is our solution good?"),
    ("q8", "competitiveness", "销售资源需求的高低(是=需求低)", "Is the sales resource we need low? (yes = low demand on resources)"),
    ("q9", "competitiveness", "当前关系程度的强弱(是=强)", "Is our current relationship strong?"),
    ("q10", "competitiveness", "惟一性经营评价的强弱(是=强)", "Is our unique business value strong?"),
    ("q11", "winnability", "内部支持的强弱(是=强)", "Is internal support at the customer strong?"),
    ("q12", "winnability", "执行者可信性的强弱(是=强)", "Is our credibility as the one who will carry it out strong?"),
    ("q13", "winnability", "文化的兼容性的好坏(是=好)", "Is the culture compatible?"),
    ("q14", "winnability", "非正式的判定标准是否明确", "Are the informal decision criteria clear?"),
    ("q15", "winnability", "行政结盟的强弱(是=强)", "Is our executive alliance strong?"),
    ("q16", "worth", "近期收入的高低(是=高)", "Is near-term revenue high?"),
    ("q17", "worth", "远期收入的高低(是=高)", "Is long-term revenue high?"),
    ("q18", "worth", "收益率的高低(是=高)", "Is the margin high?"),
    ("q19", "worth", "风险程度的高低(是=风险低)", "Is the risk low? (yes = low risk)"),
    ("q20", "worth", "是否有战略价值", "Is there strategic value?"),
]
DEFAULT_THRESHOLD = 10


def seed_assessment(apps, schema_editor=None):
    """Create the default questions and threshold that are missing; an administrator's edits are kept."""
    Question = apps.get_model("opportunities", "AssessmentQuestion")
    Settings = apps.get_model("opportunities", "AssessmentSettings")
    for order, (code, dimension, text_zh, text_en) in enumerate(DEFAULT_QUESTIONS, start=1):
        Question.objects.get_or_create(
            code=code, defaults={"dimension": dimension, "text_zh": text_zh, "text_en": text_en, "order": order},
        )
    if not Settings.objects.exists():
        Settings.objects.create(threshold=DEFAULT_THRESHOLD)


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0001_initial")]

    operations = [migrations.RunPython(seed_assessment, migrations.RunPython.noop)]
