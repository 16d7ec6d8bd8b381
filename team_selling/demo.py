"""Demo data of team selling: for a few of the demo account managers' largest open opportunities, the team's
plan with its pricing authority, a relationship strategy per key contact, meetings (one held with its outcome,
one whose outcome is due, one coming) and the log of key interactions. Idempotent: an opportunity that has a
plan already is left as it is. Everything goes through the services, acting as the primary owner.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_DOWN, Decimal

from django.utils import timezone

from accounts.models import Contact
from opportunities.models import Opportunity
from team_selling import services as services_selling
from team_selling.models import Attitude, MeetingType, TeamPlan
from teams.models import User

OWNERS = ("zhangwei", "wangfang", "zhoujie")
PER_OWNER = 2
STRATEGIES = [
    (Attitude.NEUTRAL, Attitude.CHAMPION, "每两周一次高层拜访;邀请参加华东区行业研讨会;安排参观上海样板工厂。"),
    (Attitude.SKEPTIC, Attitude.SUPPORTER, "针对其对交付周期的顾虑,安排技术交流会并提供同行业成功案例。"),
    (Attitude.SUPPORTER, Attitude.CHAMPION, "提供技术测试环境,请其在内部评审中推荐我方方案。"),
]


def seed(command, scale: int) -> None:
    now = timezone.now()
    made = 0
    for username in OWNERS:
        owner = User.objects.filter(username=username).select_related("manager").first()
        if owner is None:
            continue
        candidates = (Opportunity.objects.filter(primary_owner=owner, stage__outcome="open")
                      .select_related("customer", "primary_owner").order_by("-amount", "pk"))
        done = 0
        for opportunity in candidates[:20]:
            if done >= PER_OWNER:
                break
            contacts = list(Contact.objects.filter(customer_id=opportunity.customer_id).order_by("pk")[:3])
            if not contacts:
                continue
            if TeamPlan.objects.filter(opportunity_id=opportunity.pk).exists():
                done += 1
                continue
            _seed_one(opportunity, owner, contacts, now)
            done += 1
            made += 1
    command.stdout.write(f"Demo team selling ready: {made} new team plans, {TeamPlan.objects.count()} in all.")


def _seed_one(opportunity, owner: User, contacts: list, now) -> None:
    authority = owner.manager or owner
    floor = (opportunity.amount * Decimal("0.9")).quantize(Decimal("1"), rounding=ROUND_DOWN) or None
    services_selling.team_plan_save(opportunity=opportunity, by=owner, data={
        "cooperation_strategy": f"{owner}负责客户关系与商务推进;售前负责需求调研与方案演示;"
                                "服务经理负责交付计划与培训;合作伙伴负责本地化实施。",
        "competitive_assessment": "主要对手在价格上有优势,但交付周期长、本地服务薄弱;"
                                  "我方以交付速度、本地服务和同行业案例取胜。",
        "needs_analysis": "客户计划明年扩产,需要提升产线自动化水平、缩短换型时间,并满足新的能耗指标。",
        "solution": "标准产线方案 + 定制夹具;分两期交付,一期覆盖核心工序。",
        "pricing_authority": authority,
        "max_discount": Decimal("8.00"),
        "price_floor": floor,
        "pricing_notes": "超出折扣上限须报事业部审批;付款条件不低于 3-6-1。",
    })
    for contact, (current, target, actions) in zip(contacts, STRATEGIES, strict=False):
        services_selling.contact_strategy_save(opportunity=opportunity, by=owner, contact_id=contact.pk, data={
            "current_attitude": current, "target_attitude": target,
            "covered_by": authority if target == Attitude.CHAMPION and contact is contacts[0] else owner,
            "actions": actions})
    at_ten = timezone.localtime(now).replace(hour=10, minute=0, second=0, microsecond=0)
    held = services_selling.team_meeting_schedule(
        opportunity=opportunity, by=owner, meeting_type=MeetingType.TECHNICAL_EXCHANGE,
        subject="技术交流会:方案与产线评估",
        starts_at=at_ten - timedelta(days=14), ends_at=at_ten - timedelta(days=14) + timedelta(hours=2),
        place="客户总部会议室", attendees=[authority], contacts=contacts[:2],
        agenda="1. 现有产线痛点\n2. 我方方案介绍\n3. 样板工厂参观安排")
    services_selling.team_meeting_record_outcome(
        meeting=held, by=owner, outcome="客户认可分两期交付的思路,要求两周内提交一期详细配置与报价。", key=True,
        significance="技术负责人首次明确支持我方方案。")
    services_selling.team_meeting_schedule(
        opportunity=opportunity, by=owner, meeting_type=MeetingType.MEETING, subject="商务沟通:一期报价说明",
        starts_at=at_ten - timedelta(days=1), place="客户采购部", attendees=[], contacts=contacts[-1:],
        agenda="报价说明与付款条件")
    services_selling.team_meeting_schedule(
        opportunity=opportunity, by=owner, meeting_type=MeetingType.SEMINAR, subject="华东区智能制造研讨会",
        starts_at=at_ten + timedelta(days=7), ends_at=at_ten + timedelta(days=7, hours=3),
        place="上海国际会议中心", attendees=[authority], contacts=contacts,
        agenda="行业趋势分享;样板客户经验交流;一对一交流")
