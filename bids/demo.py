"""Demo key-account projects for `manage.py seed_demo` (after the opportunities and the funnel): eight
partners with their credit standing history (one of them poor), the competing brands with our
assessment, and tender records on a share of the opportunities from stage 04 on, with lines, agents,
competitors with known prices, and key dates on the sales team's agenda.

Idempotent: partners and brands are found by name, and an opportunity that has a tender record gets no
other; which opportunities get one is decided by their id, so a rerun picks the same. Everything is
written in bulk so that `--scale 25` stays quick. Called inside a transaction.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from accounts.validators import ALPHABET, credit_code_check_char
from bids.models import (
    AGENT_SCHEMES_MINIMUM,
    MILESTONE_FIELDS,
    BidAgendaEntry,
    BidAgent,
    BidCompetitor,
    BidLine,
    BidProject,
    BidScheme,
    BidStatus,
    CompetitorBrand,
    CreditRating,
    Impact,
    Milestone,
    Partner,
    PartnerContact,
    PartnerCreditRating,
    PartnerKind,
    Relationship,
    SalesMethod,
    TenderType,
    ThreatLevel,
)
from bids.services import MILESTONE_ACTIVITY_KIND
from crm.stored_text import Text, encode
from opportunities.models import Activity, Opportunity, OpportunityLine, OpportunityTeamMember

CENT = Decimal("0.01")
# The history note of demo rows: a stored text, read in each reader's language.
REASON = encode(Text(gettext_lazy("Demo data")))
G, E, F, P = CreditRating.GOOD, CreditRating.EXCELLENT, CreditRating.FAIR, CreditRating.POOR
# name, region, kind, [(rating, days ago, source)], [(contact, title, phone)]
PARTNERS = [
    ("上海华信系统集成有限公司", "华东", PartnerKind.AGENT, [(G, 420, "中诚信征信报告"), (E, 60, "招商银行资信证明")],
     [("钱志刚", "总经理", "021-62881234"), ("冯晓雯", "商务经理", "13801886621")]),
    ("杭州数联科技有限公司", "华东", PartnerKind.AGENT, [(G, 200, "公司年度渠道评审")],
     [("何建平", "销售总监", "0571-87651122")]),
    ("广州粤通信息技术有限公司", "华南", PartnerKind.AGENT, [(G, 500, "公司年度渠道评审"), (E, 90, "大公国际信用评级")],
     [("黄家明", "总经理", "020-38776655")]),
    ("深圳鹏达网络工程有限公司", "华南", PartnerKind.CHANNEL, [(F, 150, "公司年度渠道评审")],
     [("陈少华", "渠道经理", "0755-86123344")]),
    ("北京中科汇通科技有限公司", "华北", PartnerKind.AGENT, [(F, 700, "公司年度渠道评审"), (G, 300, "中诚信征信报告"),
                                                      (E, 30, "工商银行资信证明")],
     [("刘振华", "副总经理", "010-82345678"), ("孙悦", "投标专员", "13911027788")]),
    ("天津海河数码有限公司", "华北", PartnerKind.CHANNEL, [(G, 600, "公司年度渠道评审"), (F, 240, "应收账款逾期 60 天"),
                                                    (P, 20, "法院执行信息公开网:被列为被执行人")],
     [("赵立新", "总经理", "022-23456789")]),
    ("成都蜀信智能科技有限公司", "西南", PartnerKind.AGENT, [(F, 120, "公司年度渠道评审")],
     [("杨帆", "销售经理", "028-85556677")]),
    ("重庆渝联信息产业有限公司", "西南", PartnerKind.CHANNEL, [(G, 180, "建设银行资信证明")],
     [("吴强", "总经理", "023-63334455")]),
]
# name, threat, strengths, weaknesses
BRANDS = [
    ("华为", ThreatLevel.HIGH, "品牌影响力强,产品线全,高层关系深,价格策略激进", "定制化响应慢,部分行业受限"),
    ("新华三", ThreatLevel.HIGH, "园区网络与服务器份额高,渠道覆盖广", "软件与行业方案较弱"),
    ("中兴", ThreatLevel.MEDIUM, "运营商背景,传输与网络设备性价比高", "企业市场服务网点少"),
    ("浪潮", ThreatLevel.MEDIUM, "服务器与政务云占有率高,报价灵活", "网络与安全产品线薄弱"),
    ("思科", ThreatLevel.MEDIUM, "技术领先,金融与外企客户认可度高", "价格高,国产化要求下受限"),
    ("锐捷", ThreatLevel.LOW, "教育与园区无线有优势,价格低", "大型项目交付经验少"),
    ("联想", ThreatLevel.MEDIUM, "终端与服务器一体化,供应链稳定", "行业方案深度不足"),
    ("西门子", ThreatLevel.HIGH, "工业自动化与 MES 口碑好,标杆案例多", "实施周期长,费用高"),
]
EVALUATIONS = [(40, 20, 30, 10), (50, 15, 25, 10), (30, 20, 40, 10), (60, 10, 20, 10), (35, 25, 30, 10)]
PLACES = ["客户总部机房", "客户生产基地", "客户新园区", "客户指定仓库"]
BACKGROUNDS = [
    "客户年度信息化预算已批复,本项目纳入集团统一采购,采用公开招标。",
    "客户原有设备使用超过八年,需整体替换;技术部倾向国产化方案。",
    "项目由客户新上任的 CIO 推动,时间紧,要求年内完成交付验收。",
    "集团框架协议到期,本次为新一轮统签,影响后续三年的区域采购。",
]
STATE_STAGES = {("04", "open"), ("05", "open"), ("06", "open"), ("07", "open"), ("08", "won"), ("08", "lost")}


def seed(command, scale: int) -> None:
    say = command.progress if hasattr(command, "progress") else command.stdout.write
    partners = _seed_partners()
    brands = _seed_brands()
    opportunities = list(
        Opportunity.objects.filter(bid__isnull=True).select_related("stage", "primary_owner").order_by("id")
    )
    if not Opportunity.objects.exists():
        command.stdout.write("No opportunities yet: skipping the demo tender records (run the opportunities' demo "
                             "first). Partners and competing brands are ready.")
        return
    chosen = [o for o in opportunities if (o.stage.code, o.stage.outcome) in STATE_STAGES
              and random.Random(o.pk * 31).random() < 0.45]  # noqa: S311 - demo data, not security
    if not chosen:
        say(f"  Tender records: nothing new, {BidProject.objects.count()} in all")
        return
    bids = _seed_bids(chosen, partners, brands)
    command.stdout.write(
        f"Demo tender records ready: {len(bids)} new, {BidProject.objects.count()} in all, "
        f"{Partner.objects.count()} partners, {CompetitorBrand.objects.count()} competing brands."
    )


def _credit_code(seed: int) -> str:
    body = f"91{310000 + seed * 1013 % 600000:06d}"
    tail, number = "", seed * 7919 + 104729
    for _ in range(9):
        tail = ALPHABET[number % 31] + tail
        number //= 31
    return body + tail + credit_code_check_char(body + tail)


def _seed_partners() -> list[Partner]:
    today = timezone.localdate()
    existing = {p.name: p for p in Partner.objects.filter(name__in=[row[0] for row in PARTNERS])}
    new = []
    for number, (name, region, kind, ratings, _contacts) in enumerate(PARTNERS, start=1):
        if name in existing:
            continue
        rating, days, source = ratings[-1]
        new.append(Partner(name=name, region=region, kind=kind, credit_code=_credit_code(number),
                           credit_rating=rating, credit_rated_on=today - timedelta(days=days), credit_source=source))
    if new:
        created = bulk_create_with_history(new, Partner, default_change_reason=REASON)
        by_name = {p.name: p for p in created}
        records, contacts = [], []
        for name, _region, _kind, ratings, people in PARTNERS:
            partner = by_name.get(name)
            if partner is None:
                continue
            for rating, days, source in ratings:
                records.append(PartnerCreditRating(partner=partner, rating=rating, source=source,
                                                   rated_on=today - timedelta(days=days)))
            for contact, title, phone in people:
                contacts.append(PartnerContact(partner=partner, name=contact, title=title, phone=phone))
        PartnerCreditRating.objects.bulk_create(records)
        bulk_create_with_history(contacts, PartnerContact, default_change_reason=REASON)
        existing.update(by_name)
    return [existing[row[0]] for row in PARTNERS]


def _seed_brands() -> list[CompetitorBrand]:
    existing = {b.name: b for b in CompetitorBrand.objects.filter(name__in=[row[0] for row in BRANDS])}
    new = [CompetitorBrand(name=name, threat_level=threat, strengths=strengths, weaknesses=weaknesses)
           for name, threat, strengths, weaknesses in BRANDS if name not in existing]
    if new:
        existing.update({b.name: b for b in bulk_create_with_history(new, CompetitorBrand,
                                                                     default_change_reason=REASON)})
    return [existing[row[0]] for row in BRANDS]


def _at(day, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _seed_bids(opportunities: list[Opportunity], partners: list[Partner], brands: list[CompetitorBrand]) -> list:
    today = timezone.localdate()
    now = timezone.now()
    poor = [p for p in partners if p.credit_rating == CreditRating.POOR]
    lines_of: dict[int, list[OpportunityLine]] = {}
    for line in OpportunityLine.objects.filter(opportunity__in=opportunities).select_related("product").order_by(
            "position", "id"):
        lines_of.setdefault(line.opportunity_id, []).append(line)
    pending = []
    for number, opportunity in enumerate(opportunities):
        pick = random.Random(opportunity.pk * 17)  # noqa: S311 - demo data, not security
        stage = (opportunity.stage.code, opportunity.stage.outcome)
        method = pick.choices([SalesMethod.TENDER, SalesMethod.SPECIAL_PRICE, SalesMethod.DISTRIBUTION],
                              [8, 1, 1])[0]
        scheme = pick.choices(list(BidScheme.values), [4, 3, 2, 1])[0]
        if stage in {("04", "open"), ("05", "open")}:
            # Open tenders: the submission deadline falls in the coming weeks.
            submission = _at(today + timedelta(days=pick.randint(1, 25)), pick.choice([9, 10, 14]), 30)
            status = BidStatus.PREPARING if stage[0] == "04" or pick.random() < 0.5 else BidStatus.SUBMITTED
        else:
            submission = _at(today - timedelta(days=pick.randint(20, 90)), 9, 30)
            # A won tender is a won opportunity (bids.services.bid_record_outcome): at 06 or 07 it is still out.
            status = {("08", "lost"): BidStatus.LOST, ("08", "won"): BidStatus.WON}.get(stage, BidStatus.SUBMITTED)
        weights = pick.choice(EVALUATIONS)
        bid = BidProject(
            opportunity=opportunity, sales_method=method,
            tender_type=pick.choice(TenderType.values) if method == SalesMethod.TENDER else "",
            lots=pick.random() < 0.3, single_quote=pick.random() < 0.4, scheme=scheme,
            delivery_date=submission.date() + timedelta(days=pick.choice([45, 60, 90])),
            delivery_place=pick.choice(PLACES), eval_price=weights[0], eval_service=weights[1],
            eval_technology=weights[2], eval_commercial=weights[3],
            impact=pick.choices(list(Impact.values), [1, 2, 4, 3])[0],
            relationship=pick.choices(list(Relationship.values), [2, 4, 3, 2])[0],
            background=pick.choice(BACKGROUNDS), status=status, created_by=opportunity.primary_owner,
            registration_at=submission - timedelta(days=14), clarification_at=submission - timedelta(days=7),
            submission_at=submission, opening_at=submission, award_at=submission + timedelta(days=7),
            submitted_at=submission - timedelta(days=1) if status != BidStatus.PREPARING else None,
        )
        lines = []
        for position, source in enumerate(lines_of.get(opportunity.pk, []), start=1):
            quote = (source.unit_price * (100 - source.discount) / 100).quantize(CENT, ROUND_HALF_UP)
            target = (quote * Decimal(str(pick.choice([0.88, 0.92, 0.95, 0.97, 1.0, 1.03])))).quantize(CENT)
            lines.append(BidLine(position=position, product=source.product, quantity=source.quantity,
                                 configuration=source.configuration or source.product.name, quote=quote,
                                 target_price=target, target_amount=(source.quantity * target).quantize(CENT),
                                 quote_amount=(source.quantity * quote).quantize(CENT)))
        bid.target_total = sum((line.target_amount for line in lines), Decimal("0.00"))
        bid.quote_total = sum((line.quote_amount for line in lines), Decimal("0.00"))
        agents = []
        if scheme != BidScheme.DIRECT:
            count = AGENT_SCHEMES_MINIMUM[scheme] + (pick.random() < 0.3 and scheme != BidScheme.ONE_AGENT_ONE_SCHEME)
            usable = [p for p in partners if p.credit_rating != CreditRating.POOR]
            agents = pick.sample(usable, min(count, len(usable)))
            # One open tender in eight leans on the partner with a poor standing: the warning to show.
            if poor and number % 8 == 0 and status in (BidStatus.PREPARING, BidStatus.SUBMITTED):
                agents[-1] = poor[0]
        rivals = pick.sample(brands, pick.randint(2, 4))
        winner = rivals[0] if status == BidStatus.LOST else None
        if winner is not None:
            bid.winning_brand = winner.name
            bid.winning_price = (bid.quote_total * Decimal(str(pick.choice([0.9, 0.94, 0.97])))).quantize(CENT)
            bid.outcome_reason = f"价格低于我方,{winner.name}中标"
        if status in (BidStatus.WON, BidStatus.LOST):
            bid.outcome_at = bid.award_at
            bid.outcome_by = opportunity.primary_owner
        pending.append((bid, lines, agents, rivals, pick))
    bids = list(bulk_create_with_history([item[0] for item in pending], BidProject, batch_size=500,
                                         default_change_reason=REASON))
    all_lines, all_agents, all_rivals = [], [], []
    for bid, (_template, lines, agents, rivals, pick) in zip(bids, pending, strict=True):
        for line in lines:
            line.bid = bid
            all_lines.append(line)
        for position, partner in enumerate(agents, start=1):
            share = Decimal(str(pick.choice([0.98, 1.0, 1.02])))
            all_agents.append(BidAgent(bid=bid, partner=partner, position=position,
                                       scheme=f"方案{'ABCD'[position - 1]}:{partner.region}本地化交付与三年原厂维保",
                                       quote=(bid.quote_total * share).quantize(CENT)))
        for position, brand in enumerate(rivals, start=1):
            known = pick.random() < 0.7
            price = (bid.quote_total * Decimal(str(pick.choice([0.9, 0.95, 1.0, 1.05, 1.12])))).quantize(CENT)
            if bid.winning_brand == brand.name:
                price, known = bid.winning_price, True
            all_rivals.append(BidCompetitor(bid=bid, brand=brand, position=position,
                                            known_price=price if known else None,
                                            note="开标记录" if known and bid.status != BidStatus.PREPARING else ""))
    bulk_create_with_history(all_lines, BidLine, batch_size=2000, default_change_reason=REASON)
    bulk_create_with_history(all_agents, BidAgent, batch_size=2000, default_change_reason=REASON)
    bulk_create_with_history(all_rivals, BidCompetitor, batch_size=2000, default_change_reason=REASON)
    _seed_agenda([bid for bid in bids if not bid.is_closed], now)
    return bids


def _seed_agenda(bids: list[BidProject], now: datetime) -> None:
    """The key dates of open tenders on the sales team's agenda (what bid_sync_agenda does, in bulk)."""
    # The demo company works in Chinese: the agenda entries say so whatever language the command runs in.
    labels = {Milestone.REGISTRATION: "报名截止", Milestone.CLARIFICATION: "答疑澄清", Milestone.SUBMISSION: "投标截止",
              Milestone.OPENING: "开标", Milestone.AWARD: "定标公示"}
    team: dict[int, list[int]] = {}
    for member in OpportunityTeamMember.objects.filter(opportunity__in=[b.opportunity_id for b in bids],
                                                       is_primary=False):
        team.setdefault(member.opportunity_id, []).append(member.user_id)
    activities, links = [], []
    for bid in bids:
        opportunity = bid.opportunity
        for milestone in Milestone.values:
            when = getattr(bid, MILESTONE_FIELDS[milestone])
            if when is None:
                continue
            activity = Activity(
                kind=MILESTONE_ACTIVITY_KIND[milestone], subject=f"{labels[milestone]} · {opportunity.name}"[:200],
                customer_id=opportunity.customer_id, opportunity=opportunity, owner_id=opportunity.primary_owner_id,
                due_at=when, done_at=when if when < now else None, notes="投标关键日期:随投标记录自动更新。",
                created_by_id=opportunity.primary_owner_id,
            )
            activities.append(activity)
            links.append((bid, milestone, activity))
    Activity.objects.bulk_create(activities, batch_size=2000)
    BidAgendaEntry.objects.bulk_create([BidAgendaEntry(bid=bid, milestone=milestone, activity=activity)
                                        for bid, milestone, activity in links], batch_size=2000)
    through = Activity.participants.through
    through.objects.bulk_create([through(activity_id=activity.pk, user_id=user_id)
                                 for bid, _milestone, activity in links
                                 for user_id in team.get(bid.opportunity_id, [])], batch_size=5000)
