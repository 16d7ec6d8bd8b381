"""Demo customers for `manage.py seed_demo`: believable Chinese companies with contacts, groups,
plans, a few records waiting for review, new information waiting for a decision, and the
assignment rules and territory that would place new customers.

Idempotent: customers are found by credit code, everything else by a natural key, so running
the command again adds only what is missing. Called inside a transaction.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from accounts.models import (
    AccountPlan,
    Attitude,
    Contact,
    Customer,
    CustomerIntake,
    CustomerName,
    DecisionRole,
    IntakeOutcome,
    IntakeStatus,
    PlanStatus,
    Source,
)
from accounts.validators import credit_code_check_char
from crm.stored_text import Text, encode
from teams.models import AssignmentRule, AssignmentStrategy, OrgUnit, Role, Territory, User

# city, province, region code of the credit code, phone area code, pinyin, the team that covers it
CITIES = [
    ("上海", "上海", "310115", "021", "sh", "上海大客户一组"),
    ("杭州", "浙江", "330106", "0571", "hz", "杭州大客户组"),
    ("广州", "广东", "440106", "020", "gz", "广州大客户组"),
    ("深圳", "广东", "440305", "0755", "sz", "深圳大客户组"),
    ("北京", "北京", "110108", "010", "bj", "北京大客户组"),
    ("天津", "天津", "120116", "022", "tj", "天津大客户组"),
    ("成都", "四川", "510107", "028", "cd", "成都大客户组"),
    ("重庆", "重庆", "500112", "023", "cq", "重庆大客户组"),
]
BRANDS = [
    ("申江", "shenjiang"), ("浦华", "puhua"), ("长风", "changfeng"), ("宏达", "hongda"), ("恒信", "hengxin"),
    ("瑞丰", "ruifeng"), ("中联", "zhonglian"), ("华宇", "huayu"), ("天成", "tiancheng"), ("金桥", "jinqiao"),
    ("海通", "haitong"), ("博远", "boyuan"), ("鼎盛", "dingsheng"), ("嘉禾", "jiahe"), ("新锐", "xinrui"),
    ("启明", "qiming"), ("远景", "yuanjing"), ("正泰", "zhengtai"), ("同创", "tongchuang"), ("卓越", "zhuoyue"),
    ("东升", "dongsheng"), ("汇丰源", "huifengyuan"), ("万邦", "wanbang"), ("明珠", "mingzhu"), ("云帆", "yunfan"),
    ("德润", "derun"), ("国泰", "guotai"), ("永安", "yongan"), ("盛世", "shengshi"), ("安信", "anxin"),
]
# business words, industry, pinyin initials, typical head count range
BUSINESSES = [
    ("精密机械", "制造业", "jm", (80, 2000)), ("汽车零部件", "制造业", "qp", (150, 5000)),
    ("电气设备", "制造业", "dq", (100, 3000)), ("智能装备", "制造业", "zn", (50, 1200)),
    ("新材料科技", "制造业", "xc", (40, 900)), ("能源", "能源", "ny", (200, 12000)),
    ("电力工程", "能源", "dl", (100, 3000)), ("燃气", "能源", "rq", (80, 2000)),
    ("医疗器械", "医疗", "yl", (50, 1500)), ("生物医药", "医疗", "sw", (60, 2500)),
    ("教育科技", "教育", "jy", (20, 500)), ("物流", "交通", "wl", (100, 5000)),
    ("轨道交通设备", "交通", "gd", (200, 8000)), ("软件", "信息技术", "rj", (20, 1200)),
    ("信息技术", "信息技术", "xx", (30, 1500)), ("数据科技", "信息技术", "sj", (15, 400)),
    ("商贸", "零售", "sm", (10, 300)), ("连锁超市", "零售", "cs", (100, 5000)),
    ("建设工程", "建筑", "jz", (150, 8000)), ("化工", "化工", "hg", (80, 3000)),
]
DISTRICTS = ["高新区", "经开区", "新区", "中心区", "科技园", "工业园区"]
ROADS = ["科技", "创业", "工业", "世纪", "中山", "人民", "建设", "长江"]
SUFFIXES = ["有限公司", "股份有限公司", "有限公司", "科技有限公司", "有限责任公司"]
SOURCES = [Source.MANUAL, Source.CAMPAIGN, Source.CHANNEL, Source.ONLINE, Source.SERVICE, Source.PURCHASED]
SURNAMES = "张王李刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "建华",
         "志刚", "海燕", "晓东", "文博", "雪梅", "国庆", "子涵", "浩然", "思远", "欣怡"]
# The organisation chart of a customer: (title, department, decision role, index of the boss)
ORG_CHART = [
    ("总经理", "总经办", DecisionRole.DECISION_MAKER, None),
    ("技术副总裁", "技术中心", DecisionRole.SPONSOR, 0),
    ("采购总监", "采购部", DecisionRole.INFLUENCER, 0),
    ("信息化部经理", "信息化部", DecisionRole.TECHNICAL, 1),
    ("采购专员", "采购部", DecisionRole.GATEKEEPER, 2),
    ("生产部主管", "生产部", DecisionRole.USER, 1),
]
ATTITUDES = [Attitude.SUPPORTER, Attitude.SUPPORTER, Attitude.NEUTRAL, Attitude.NEUTRAL, Attitude.OPPONENT,
             Attitude.UNKNOWN]
GROUP_EVERY = 20  # every 20th customer heads a group with the next two as subsidiaries
UNASSIGNED_EVERY = 17


def credit_code(region: str, number: int) -> str:
    """A valid unified social credit code (enterprise, registered with the market regulator)."""
    first17 = f"91{region}MA{number:07d}"
    return first17 + credit_code_check_char(first17)


def _person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _customers_wanted(count: int) -> list[dict]:
    """The same list for any scale: customer n is always the same company."""
    rng = random.Random(20260101)  # noqa: S311 - demo data, not security
    wanted, names = [], set()
    group_brand = None
    for number in range(count):
        city, province, region, area, city_py, team = CITIES[number % len(CITIES)]
        business, industry, business_py, (low, high) = BUSINESSES[rng.randrange(len(BUSINESSES))]
        brand, brand_py = BRANDS[rng.randrange(len(BRANDS))]
        position = number % GROUP_EVERY
        if position == 0:
            group_brand = (brand, brand_py)
            name = f"{brand}控股集团有限公司"
            industry, business_py = "综合", "jt"
            low, high = 3000, 30000
        else:
            if position in (1, 2) and group_brand:
                brand, brand_py = group_brand
            suffix = rng.choice(SUFFIXES)
            if business.endswith("科技") and suffix.startswith("科技"):
                suffix = suffix.removeprefix("科技")
            name = f"{city}{brand}{business}{suffix}"
        while name in names:
            name = name.replace("有限", f"第{rng.randint(2, 9)}有限", 1) if "第" not in name else f"{name[:-4]}分公司"
        names.add(name)
        employees = int(low * (high / low) ** rng.random())
        revenue = Decimal(employees * rng.randint(80, 600)) * 1000  # 80,000 to 600,000 yuan a head
        has_site = rng.random() < 0.7
        domain = f"{city_py}{brand_py}{business_py}.com.cn"
        wanted.append({
            "number": number,
            "group_position": position,
            "team": team,
            "fields": {
                "name": name,
                "credit_code": credit_code(region, 1_000_000 + number),
                "industry": industry, "province": province, "city": city,
                "address": f"{city}市{rng.choice(DISTRICTS)}{rng.choice(ROADS)}路{rng.randint(1, 999)}号",
                "phone": f"{area}-{rng.randint(5000_0000, 8999_9999)}",
                "email": f"info@{domain}" if has_site else "",
                "website": f"www.{domain}" if has_site else "",
                "employees": employees,
                "annual_revenue": revenue.quantize(Decimal("0.01")),
                "source": SOURCES[rng.randrange(len(SOURCES))],
            },
            "age_days": rng.randint(1, 720),
        })
    return wanted


def seed(command, scale: int) -> None:
    from accounts.services import customer_classify, customer_enrich, customer_intake

    say = command.progress if hasattr(command, "progress") else command.stdout.write
    admin = User.objects.filter(role=Role.ADMIN).order_by("id").first()
    managers_by_team: dict[str, list[User]] = {}
    for person in User.objects.filter(role=Role.ACCOUNT_MANAGER, is_active=True).select_related(
            "org_unit").order_by("id"):
        managers_by_team.setdefault(person.org_unit.name if person.org_unit else "", []).append(person)
    everyone = [person for people in managers_by_team.values() for person in people]
    if not everyone:
        command.stdout.write("No account managers: skipping the demo customers.")
        return

    _seed_rules()
    say("  Assignment rules and territory")

    wanted = _customers_wanted(60 * scale)
    existing = dict(Customer.objects.filter(credit_code__in=[w["fields"]["credit_code"] for w in wanted])
                    .values_list("credit_code", "pk"))
    now = timezone.now()
    turns: dict[str, int] = {}
    new_customers: list[Customer] = []
    for item in wanted:
        fields = item["fields"]
        if fields["credit_code"] in existing:
            continue
        people = managers_by_team.get(item["team"]) or everyone
        turn = turns.get(item["team"], 0)
        turns[item["team"]] = turn + 1
        owner = None if item["number"] % UNASSIGNED_EVERY == UNASSIGNED_EVERY - 1 else people[turn % len(people)]
        customer = Customer(**fields, owner=owner, created_by=owner or admin)
        customer.refresh_keys()
        customer._demo = item
        new_customers.append(customer)
    if new_customers:
        by_number = {c._demo["number"]: c for c in new_customers}
        bulk_create_with_history(new_customers, Customer, batch_size=500, default_user=admin,
                                 default_change_reason=encode(Text(gettext_lazy("Demo data"))))
        # bulk_create gives no ids on every database: read them back by credit code.
        ids = dict(Customer.objects.filter(credit_code__in=[c.credit_code for c in new_customers])
                   .values_list("credit_code", "pk"))
        for customer in new_customers:
            customer.pk = customer.id = ids[customer.credit_code]
            customer.created_at = now - timedelta(days=customer._demo["age_days"])
        # Groups: the first customer of every block of GROUP_EVERY heads the next two.
        all_ids = existing | ids
        for customer in new_customers:
            position = customer._demo["group_position"]
            if position in (1, 2):
                head = customer._demo["number"] - position
                head_code = wanted[head]["fields"]["credit_code"]
                customer.parent_id = all_ids.get(head_code)
        Customer.objects.bulk_update(new_customers, ["created_at", "parent"], batch_size=500)
        CustomerName.objects.sync(new_customers)  # bulk writes skip save(): the trigram table too
        for customer in new_customers:
            customer_classify(customer=customer)
        heads = {c.parent_id for c in new_customers if c.parent_id}
        for customer in Customer.objects.filter(pk__in=heads):
            customer_classify(customer=customer)  # the number of subsidiaries counts
        _seed_intakes(new_customers, admin)
        _seed_contacts(new_customers)
        _seed_plans([by_number[n] for n in sorted(by_number) if by_number[n].owner_id][: 6 * scale])
    say(f"  Customers: {len(new_customers)} new, {Customer.objects.count()} in all")

    # A few records that look like existing customers (a probable match) wait in the review queue.
    already = CustomerIntake.objects.filter(outcome=IntakeOutcome.REVIEW).count()
    reviewed = 0
    zhangwei = User.objects.filter(username="zhangwei").first()
    pool = Customer.objects.filter(owner__isnull=False, parent__isnull=True).exclude(
        name__endswith="集团有限公司").select_related("owner").order_by("id")
    # The demo account manager's own customer first, so that their review queue is not empty.
    candidates = list(pool.filter(owner=zhangwei)[:1]) + list(pool.exclude(owner=zhangwei)[:12])
    for customer in candidates:
        if already + reviewed >= 3:
            break
        variant = _probable_variant(customer)
        if variant is None or CustomerIntake.objects.filter(name=variant).exists():
            continue
        by = customer.owner
        result = customer_intake(source=Source.CAMPAIGN, by=by, data={
            "name": variant, "city": customer.city, "province": customer.province, "industry": customer.industry})
        reviewed += result.outcome == IntakeOutcome.REVIEW
    # New information that conflicts with what the customer holds waits for its owner.
    proposals = 0
    for customer in Customer.objects.filter(owner__isnull=False).exclude(phone="").order_by("id")[: 4 * scale]:
        area = customer.phone.split("-")[0]
        result = customer_enrich(customer=customer, data={"phone": f"{area}-6{customer.pk % 1000:03d}8888"},
                                 source=Source.SERVICE)
        proposals += len(result["proposed"])
    say(f"  Review queue: {reviewed} new; enrichment proposals: {proposals} new")


def _probable_variant(customer: Customer) -> str | None:
    """A name for the same company as a person might type it, that matching finds probable, not sure."""
    from accounts.matching import PROBABLE_SCORE, SURE_SCORE
    from accounts.services import customer_check

    base = customer.name
    for suffix in ("股份有限公司", "科技有限公司", "有限责任公司", "有限公司"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            break
    short = base.removeprefix(customer.city) if customer.city else base
    for variant in (f"{short}有限公司", f"{base}制造有限公司", f"{base}销售有限公司", f"{base}服务有限公司"):
        candidates = customer_check(data={"name": variant, "city": customer.city})
        best = next((c.score for c in candidates if c.customer_id == customer.pk), 0)
        if PROBABLE_SCORE <= best < SURE_SCORE and candidates[0].customer_id == customer.pk:
            return variant
    return None


def _seed_rules() -> None:
    teams = {unit.name: unit for unit in OrgUnit.objects.filter(name__in=["上海大客户一组", "华南区"])}
    south = teams.get("华南区")
    territory, created = Territory.objects.get_or_create(
        name="华南制造业", defaults={"org_unit": south, "provinces": ["广东"], "industries": ["制造业"]})
    if created and south is not None:
        territory.members.set(User.objects.filter(org_unit__in=south.subtree_ids(), role=Role.ACCOUNT_MANAGER))
    shanghai = teams.get("上海大客户一组")
    if shanghai is not None:
        AssignmentRule.objects.get_or_create(name="上海客户：上海大客户一组轮流分配", defaults={
            "order": 10, "provinces": ["上海"], "strategy": AssignmentStrategy.ROUND_ROBIN, "org_unit": shanghai})
    AssignmentRule.objects.get_or_create(name="广东制造业：华南制造业区域内客户最少者", defaults={
        "order": 20, "provinces": ["广东"], "industries": ["制造业"],
        "strategy": AssignmentStrategy.FEWEST_CUSTOMERS, "territory": territory})
    online = User.objects.filter(username="wangfang").first()
    if online is not None:
        AssignmentRule.objects.get_or_create(name="线上来源的大型企业：王芳", defaults={
            "order": 30, "sources": [Source.ONLINE], "min_employees": 1000, "strategy": AssignmentStrategy.USER,
            "user": online})


def _seed_intakes(customers: list[Customer], admin: User | None) -> None:
    intakes = []
    for customer in customers:
        raw = {name: str(getattr(customer, name) or "") for name in (
            "name", "credit_code", "industry", "province", "city", "phone", "email", "website")}
        intakes.append(CustomerIntake(
            source=customer.source, raw_data=raw, name=customer.name, outcome=IntakeOutcome.CREATED,
            status=IntakeStatus.DONE, customer=customer, created_by=customer.created_by or admin))
    created = CustomerIntake.objects.bulk_create(intakes, batch_size=500)
    for intake, customer in zip(created, customers, strict=True):
        intake.created_at = customer.created_at
    if created and created[0].pk:
        CustomerIntake.objects.bulk_update(created, ["created_at"], batch_size=500)


def _seed_contacts(customers: list[Customer]) -> None:
    rng = random.Random(7)  # noqa: S311 - demo data, not security
    chart = {}
    for customer in customers:
        size = rng.randint(3, len(ORG_CHART))
        domain = customer.email.split("@")[1] if customer.email else ""
        chart[customer.pk] = [
            Contact(customer=customer, name=_person_name(rng), title=title, department=department,
                    decision_role=role, attitude=rng.choice(ATTITUDES),
                    phone=f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(1000_0000, 9999_9999)}",
                    email=f"contact{index}@{domain}" if domain else "")
            for index, (title, department, role, _boss) in enumerate(ORG_CHART[:size])
        ]
    # Level by level, so that each boss has an id before the people reporting to them are saved.
    for level in range(3):
        batch = []
        for contacts in chart.values():
            for index, contact in enumerate(contacts):
                boss = ORG_CHART[index][3]
                depth = 0 if boss is None else 1 if ORG_CHART[boss][3] is None else 2
                if depth != level:
                    continue
                if boss is not None:
                    contact.reports_to = contacts[boss]
                batch.append(contact)
        Contact.objects.bulk_create(batch, batch_size=1000)
        if batch and batch[0].pk is None:  # a database that does not return ids
            saved = {(c.customer_id, c.title): c.pk for c in Contact.objects.filter(
                customer__in=[c.customer_id for c in batch])}
            for contact in batch:
                contact.pk = contact.id = saved[(contact.customer_id, contact.title)]


def _seed_plans(customers: list[Customer]) -> None:
    year = timezone.localdate().year
    statuses = [PlanStatus.APPROVED, PlanStatus.SUBMITTED, PlanStatus.DRAFT, PlanStatus.RETURNED]
    for index, customer in enumerate(customers):
        status = statuses[index % len(statuses)]
        AccountPlan.objects.get_or_create(customer=customer, year=year, defaults={
            "goals": f"{year} 年签约金额较上年增长 20%，完成核心系统升级项目的立项。",
            "needs_assessment": "产能扩张带来信息化与自动化升级需求；现有系统维保即将到期。",
            "competitive_assessment": "主要竞争对手在价格上占优，我方在本地服务与行业案例上领先。",
            "strategy": "以行业解决方案切入，联合渠道伙伴提供本地化服务，争取技术副总裁的支持。",
            "coverage_plan": "客户经理覆盖采购总监与信息化部经理；销售经理覆盖总经理与技术副总裁。",
            "activity_plan": "一季度技术交流会；二季度样板客户参观；三季度提交方案与报价。",
            "status": status,
            "author": customer.owner,
            "review_comment": "请补充竞争对手的报价策略。" if status == PlanStatus.RETURNED else "",
        })
