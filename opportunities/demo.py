"""Demo opportunities for `manage.py seed_demo` (after accounts.demo): a product catalogue, about
three opportunities per demo customer with product lines, sales teams, assessments, action plans,
and activities in the current week.

Idempotent: products are found by code, and a customer that already has opportunities gets no
more. Everything is written in bulk so that `--scale 25` stays quick. Called inside a transaction.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from accounts.models import Contact, Customer
from crm.stored_text import Text, encode
from opportunities.models import (
    ActionPlan,
    Activity,
    ActivityKind,
    Assessment,
    AssessmentAnswer,
    AssessmentQuestion,
    AssessmentSettings,
    Opportunity,
    OpportunityLine,
    OpportunityTeamMember,
    Product,
    Stage,
    TeamRole,
)
from teams.models import Role, User

# code, name, unit, list price
PRODUCTS = [
    ("HY-SRV-R740", "华远智算服务器 R740", "台", "86000.00"),
    ("HY-STO-A900", "华远分布式存储 A900", "套", "420000.00"),
    ("HY-NET-S6800", "数据中心核心交换机 S6800", "台", "158000.00"),
    ("HY-SEC-FW3000", "下一代防火墙 FW3000", "台", "96000.00"),
    ("HY-MES-PRO", "华远 MES 制造执行系统", "套", "680000.00"),
    ("HY-ERP-CLD", "华远云 ERP 订阅", "年", "240000.00"),
    ("HY-IOT-G200", "工业物联网网关 G200", "台", "12800.00"),
    ("HY-AGV-L5", "激光导航 AGV 小车 L5", "台", "265000.00"),
    ("HY-VIS-Q3", "机器视觉检测工作站 Q3", "套", "188000.00"),
    ("HY-SVC-GOLD", "金牌运维服务", "年", "120000.00"),
]
# project name, the products it usually carries, a typical configuration
PROJECTS = [
    ("数据中心扩容", ["HY-SRV-R740", "HY-STO-A900", "HY-NET-S6800"], "双路 CPU / 512G 内存 / 25G 网卡"),
    ("数字化车间改造", ["HY-MES-PRO", "HY-IOT-G200", "HY-VIS-Q3"], "覆盖 3 条产线"),
    ("智能仓储升级", ["HY-AGV-L5", "HY-IOT-G200", "HY-MES-PRO"], "立体库 + 12 台 AGV"),
    ("网络安全等保建设", ["HY-SEC-FW3000", "HY-NET-S6800", "HY-SVC-GOLD"], "等保三级"),
    ("云 ERP 迁移", ["HY-ERP-CLD", "HY-SVC-GOLD"], "200 用户"),
    ("质量检测自动化", ["HY-VIS-Q3", "HY-IOT-G200"], "缺陷检测 + 追溯"),
    ("园区网络改造", ["HY-NET-S6800", "HY-SEC-FW3000"], "万兆骨干"),
    ("年度运维服务续约", ["HY-SVC-GOLD"], "7×24 小时"),
]
PHASES = ["", "(一期)", "(二期)", "(三期)"]
COMPETITORS = ["西门子", "施耐德", "ABB", "罗克韦尔", "华为", "新华三", "浪潮", "用友", "金蝶", "SAP", "海康威视"]
# stage (code, outcome) -> weight: more opportunities early in the funnel than late
STAGE_WEIGHTS = [
    (("01", "open"), 16), (("02", "open"), 15), (("03", "open"), 13), (("04", "open"), 12), (("05", "open"), 11),
    (("06", "open"), 8), (("07", "open"), 7), (("08", "won"), 10), (("08", "lost"), 8),
]
ACTIVITY_SUBJECTS = {
    ActivityKind.MEETING: "需求沟通会", ActivityKind.CALL: "电话跟进采购进度", ActivityKind.VISIT: "拜访客户高层",
    ActivityKind.SEMINAR: "行业解决方案研讨会", ActivityKind.DEMO: "产品现场演示", ActivityKind.SAMPLE: "寄送样机试用",
    ActivityKind.PROPOSAL: "提交技术方案建议书", ActivityKind.INTERACTION: "记录关键人反馈",
    ActivityKind.TASK: "准备报价单",
}
CENT = Decimal("0.01")
DEMO_TEAM = "上海大客户一组"


def seed(command, scale: int) -> None:
    say = command.progress if hasattr(command, "progress") else command.stdout.write
    customers = list(Customer.objects.select_related("owner").order_by("id"))
    if not customers:
        command.stdout.write("No customers yet: skipping the demo opportunities (run accounts' demo first).")
        return
    account_managers = list(User.objects.filter(role=Role.ACCOUNT_MANAGER, is_active=True)
                            .select_related("org_unit").order_by("username"))
    if not account_managers:
        command.stdout.write("No account managers: skipping the demo opportunities.")
        return
    products = _seed_products()
    stages = {(s.code, s.outcome): s for s in Stage.objects.filter(active=True)}
    if not stages:
        command.stdout.write("No funnel stages: skipping the demo opportunities.")
        return
    taken = set(Opportunity.objects.values_list("customer_id", flat=True).distinct())
    todo = [c for c in customers if c.pk not in taken]
    if not todo:
        say(f"  Opportunities: nothing new, {Opportunity.objects.count()} in all")
        return
    opportunities, helpers = _seed_opportunities(todo, products, stages, account_managers)
    _seed_assessments([o for o in opportunities if o.pk % 2 == 0])
    _seed_activities(opportunities, helpers)
    command.stdout.write(
        f"Demo opportunities ready: {len(opportunities)} new for {len(todo)} customers, "
        f"{Opportunity.objects.count()} in all, {Activity.objects.count()} activities."
    )


def _seed_products() -> dict[str, Product]:
    products = {}
    for code, name, unit, price in PRODUCTS:
        product, _created = Product.objects.get_or_create(
            code=code, defaults={"name": name, "unit": unit, "list_price": Decimal(price)},
        )
        products[code] = product
    return products


def _seed_opportunities(customers, products, stages, account_managers):
    """The opportunities with their lines and teams; returns them and each one's helpers."""
    today = timezone.localdate()
    choices = [key for key, _weight in STAGE_WEIGHTS if key in stages]
    weights = [weight for key, weight in STAGE_WEIGHTS if key in stages]
    fallback = iter(account_managers * (len(customers) // len(account_managers) + 1))
    pending: list[tuple[Opportunity, list[OpportunityLine], list[User]]] = []
    # The demo team's people (the journey starts with zhangwei) each win one deal this quarter, so
    # their quota attainment and the incentive pages show real figures from the first sign-in.
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    demo_team_winners = {p.pk for p in account_managers if p.org_unit and p.org_unit.name == DEMO_TEAM}
    for customer in customers:
        pick = random.Random(customer.pk)  # noqa: S311 - demo data, not security
        owner = customer.owner if customer.owner_id and customer.owner.is_active else next(fallback)
        for index, (project, codes, configuration) in enumerate(pick.sample(PROJECTS, 3)):
            stage = stages[pick.choices(choices, weights)[0]]
            closed = stage.outcome != "open"
            close = today + timedelta(days=pick.randint(-90, -5) if closed else pick.randint(10, 270))
            if owner.pk in demo_team_winners and ("08", "won") in stages:
                demo_team_winners.discard(owner.pk)
                stage = stages[("08", "won")]
                close = max(quarter_start, today - timedelta(days=12))
            opportunity = Opportunity(
                customer=customer, name=f"{project}{PHASES[(customer.pk + index) % len(PHASES)]}",
                description=f"{customer.name}:{project},{configuration}。", expected_close_date=close,
                closed_on=close if stage.outcome != "open" else None,
                stage=stage, primary_owner=owner, source=customer.source, created_by=owner,
                competitors=pick.sample(COMPETITORS, pick.randint(0, 3)),
                confirmed=stage.outcome == "won" or (stage.order >= 4 and pick.random() < 0.5),
            )
            if opportunity.confirmed:
                opportunity.confirmed_at = timezone.now()
            lines = []
            for position, code in enumerate(pick.sample(codes, pick.randint(1, len(codes))), start=1):
                product = products[code]
                quantity = Decimal(pick.choice([1, 1, 2, 3, 4, 6, 8, 10, 12, 20]))
                discount = Decimal(pick.choice([0, 0, 5, 8, 10, 15]))
                amount = (quantity * product.list_price * (100 - discount) / 100).quantize(CENT, ROUND_HALF_UP)
                lines.append(OpportunityLine(product=product, configuration=configuration if position == 1 else "",
                                             quantity=quantity, unit_price=product.list_price, discount=discount,
                                             amount=amount, position=position))
            opportunity.amount = sum((line.amount for line in lines), Decimal("0.00"))
            # Sales teams cross the org chart, but most helpers come from the owner's own team.
            peers = [p for p in account_managers if p.org_unit_id == owner.org_unit_id and p.pk != owner.pk]
            pool = peers if peers and pick.random() < 0.8 else [p for p in account_managers if p.pk != owner.pk]
            helpers = pick.sample(pool, min(len(pool), pick.choice([0, 0, 1, 1, 2])))
            pending.append((opportunity, lines, helpers))
    created = bulk_create_with_history([item[0] for item in pending], Opportunity, batch_size=1000,
                                       default_change_reason=encode(Text(gettext_lazy("Demo data"))))
    # bulk_create_with_history returns the objects with their ids (PostgreSQL and SQLite alike).
    opportunities = list(created)
    all_lines, members = [], []
    roles = [TeamRole.PRESALES, TeamRole.SOLUTION, TeamRole.SERVICE, TeamRole.PARTNER_MANAGER]
    for opportunity, (_template, lines, helpers) in zip(opportunities, pending, strict=True):
        for line in lines:
            line.opportunity = opportunity
            all_lines.append(line)
        members.append(OpportunityTeamMember(opportunity=opportunity, user=opportunity.primary_owner,
                                             role=TeamRole.SALES, is_primary=True, added_by=opportunity.primary_owner))
        for number, helper in enumerate(helpers):
            members.append(OpportunityTeamMember(opportunity=opportunity, user=helper,
                                                 role=roles[(opportunity.pk + number) % len(roles)],
                                                 added_by=opportunity.primary_owner))
    OpportunityLine.objects.bulk_create(all_lines, batch_size=2000)
    OpportunityTeamMember.objects.bulk_create(members, batch_size=2000)
    return opportunities, {o.pk: item[2] for o, item in zip(opportunities, pending, strict=True)}


def _seed_assessments(opportunities: list[Opportunity]) -> None:
    questions = list(AssessmentQuestion.objects.filter(active=True).order_by("order"))
    if not questions:
        return
    threshold = AssessmentSettings.load().threshold
    assessments, answer_sets = [], []
    for opportunity in opportunities:
        pick = random.Random(opportunity.pk * 7)  # noqa: S311 - demo data, not security
        # Later stages know more, so more answers are yes.
        chance = 0.3 + 0.06 * min(opportunity.stage.order, 8)
        answers = {q.code: pick.random() < chance for q in questions}
        dims = defaultdict(int)
        for question in questions:
            dims[question.dimension] += answers[question.code]
        score = sum(answers.values())
        assessments.append(Assessment(
            opportunity=opportunity, author=opportunity.primary_owner, score=score, threshold=threshold,
            high_value=score > threshold, opportunity_score=dims["opportunity"],
            competitiveness_score=dims["competitiveness"], winnability_score=dims["winnability"],
            worth_score=dims["worth"],
        ))
        answer_sets.append(answers)
        opportunity.assessment_score, opportunity.high_value = score, score > threshold
    Assessment.objects.bulk_create(assessments, batch_size=1000)
    AssessmentAnswer.objects.bulk_create([
        AssessmentAnswer(assessment=assessment, question=question, code=question.code, dimension=question.dimension,
                         text_zh=question.text_zh, text_en=question.text_en, order=question.order,
                         answer=answers[question.code])
        for assessment, answers in zip(assessments, answer_sets, strict=True) for question in questions
    ], batch_size=5000)
    Opportunity.objects.bulk_update(opportunities, ["assessment_score", "high_value"], batch_size=1000)


def _seed_activities(opportunities: list[Opportunity], helpers: dict[int, list[User]]) -> None:
    """Activities this week for the open opportunities: some done already, one today per owner."""
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    now = timezone.now()
    contacts = defaultdict(list)
    for contact in Contact.objects.filter(customer__in={o.customer_id for o in opportunities}).order_by("id"):
        contacts[contact.customer_id].append(contact)
    kinds = list(ACTIVITY_SUBJECTS)
    activities, participants, contact_links = [], [], []
    owners_today = set()
    open_ones = [o for o in opportunities if o.stage.outcome == "open"]
    for opportunity in open_ones:
        pick = random.Random(opportunity.pk * 13)  # noqa: S311 - demo data, not security
        count = 1 if opportunity.primary_owner_id in owners_today else 2
        for number in range(count):
            if number == 0 and opportunity.primary_owner_id not in owners_today:
                day, hour = today, pick.choice([10, 14, 16])
                owners_today.add(opportunity.primary_owner_id)
            else:
                day, hour = monday + timedelta(days=pick.randint(0, 4)), pick.randint(9, 17)
            due = timezone.make_aware(datetime.combine(day, time(hour, pick.choice([0, 30]))))
            kind = kinds[(opportunity.pk + number) % len(kinds)]
            activity = Activity(
                kind=kind, subject=ACTIVITY_SUBJECTS[kind], customer_id=opportunity.customer_id,
                opportunity=opportunity, owner=opportunity.primary_owner, due_at=due,
                location="客户现场" if kind in (ActivityKind.VISIT, ActivityKind.DEMO, ActivityKind.MEETING) else "",
                done_at=due if due < now - timedelta(hours=1) else None,
                outcome="客户认可方案,待内部评审" if due < now - timedelta(hours=1) else "",
                created_by=opportunity.primary_owner,
            )
            activities.append(activity)
            team = helpers.get(opportunity.pk) or []
            participants.append(team[number % len(team)] if team else None)
            people = contacts.get(opportunity.customer_id) or []
            contact_links.append(people[(opportunity.pk + number) % len(people)] if people else None)
    Activity.objects.bulk_create(activities, batch_size=2000)
    through_users = Activity.participants.through
    through_contacts = Activity.contacts.through
    through_users.objects.bulk_create([through_users(activity_id=a.pk, user_id=p.pk)
                                       for a, p in zip(activities, participants, strict=True) if p], batch_size=5000)
    through_contacts.objects.bulk_create([through_contacts(activity_id=a.pk, contact_id=c.pk)
                                          for a, c in zip(activities, contact_links, strict=True) if c],
                                         batch_size=5000)
    _seed_plans([o for o in open_ones if o.stage.order >= 4][: max(1, len(open_ones) // 10)], monday)


def _seed_plans(opportunities: list[Opportunity], monday) -> None:
    steps = [(ActivityKind.MEETING, "高层拜访,确认采购时间表"), (ActivityKind.DEMO, "技术方案演示与答疑"),
             (ActivityKind.PROPOSAL, "提交正式报价与建议书"), (ActivityKind.TASK, "商务条款内部评审")]
    plans = [ActionPlan(opportunity=o, name="赢单行动计划", goal="在预计成交日前完成关键决策人覆盖",
                        created_by=o.primary_owner) for o in opportunities]
    ActionPlan.objects.bulk_create(plans)
    members = defaultdict(list)
    for member in OpportunityTeamMember.objects.filter(opportunity__in=opportunities).order_by("-is_primary", "id"):
        members[member.opportunity_id].append(member.user_id)
    activities = []
    for plan, opportunity in zip(plans, opportunities, strict=True):
        team = members[opportunity.pk] or [opportunity.primary_owner_id]
        for sequence, (kind, subject) in enumerate(steps, start=1):
            due = timezone.make_aware(datetime.combine(monday + timedelta(days=7 * sequence - 3), time(10, 0)))
            activities.append(Activity(kind=kind, subject=subject, customer_id=opportunity.customer_id,
                                       opportunity=opportunity, owner_id=team[(sequence - 1) % len(team)],
                                       due_at=due, plan=plan, sequence=sequence,
                                       created_by=opportunity.primary_owner))
    Activity.objects.bulk_create(activities, batch_size=2000)
