"""Load a believable demo company: run it as often as you like, it only adds what is missing."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from crm.jobs import schedules_run_first
from teams.models import OrgUnit, OrgUnitKind, Role, User

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed for the demo on purpose

COMPANY = "华远智能科技集团"
# division -> region -> teams; the people are (username, display name).
ORGANISATION = {
    ("政企事业部", ("zhaomin", "赵敏")): {
        ("华东区", ("chenjing", "陈静")): {
            ("上海大客户一组", ("liqiang", "李强")): [("zhangwei", "张伟"), ("wangfang", "王芳"), ("liuyang", "刘洋")],
            ("杭州大客户组", ("sunli", "孙丽")): [("zhoujie", "周杰"), ("wuting", "吴婷"), ("xuhao", "徐浩")],
        },
        ("华南区", ("huangwei", "黄伟")): {
            ("广州大客户组", ("hemin", "何敏")): [("luoping", "罗平"), ("gaoxiang", "高翔"), ("linna", "林娜")],
            ("深圳大客户组", ("guojun", "郭军")): [("majing", "马静"), ("zhengkai", "郑凯"), ("xiemei", "谢梅")],
        },
    },
    ("行业事业部", ("qianlei", "钱磊")): {
        ("华北区", ("fengyu", "冯宇")): {
            ("北京大客户组", ("hanbing", "韩冰")): [("tangyu", "唐宇"), ("caoli", "曹莉"), ("dengchao", "邓超")],
            ("天津大客户组", ("pengfei", "彭飞")): [("zenghui", "曾辉"), ("xiaohong", "肖红"), ("tianye", "田野")],
        },
        ("西南区", ("duanpeng", "段鹏")): {
            ("成都大客户组", ("yuqian", "余倩")): [("panyue", "潘越"), ("dufang", "杜芳"), ("jiangtao", "江涛")],
            ("重庆大客户组", ("weidong", "魏东")): [("yaolin", "姚琳"), ("shenbo", "沈博"), ("lubin", "卢斌")],
        },
    },
}
HEAD = ("wangjianguo", "王建国")
ADMIN = ("admin", "系统管理员")

SURNAMES = (
    "张王李刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲飞鹏辉波斌宇浩凯健俊帆帅旭宁龙林欣晨悦"


class Command(BaseCommand):
    help = "Create the demo sales organisation and every business area's demo data."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="N times more account managers per team.")
        parser.add_argument("--quiet", action="store_true", help="Print only the summary.")
        parser.add_argument("--run-schedules", action="store_true",
                            help="Queue a first run of every scheduled job that has never run (make run).")

    def handle(self, *args, scale: int, quiet: bool, run_schedules: bool = False, **options):
        if scale < 1 or scale > 1000:
            raise CommandError("--scale must be between 1 and 1000.")
        self.quiet = quiet
        self.password_hash = make_password(DEMO_PASSWORD)  # hashed once: 40 hashes would take seconds
        with transaction.atomic():
            created = self.seed_organisation(scale)
        self.stdout.write(self.style.SUCCESS(
            f"Demo organisation ready: {OrgUnit.objects.count()} org units, "
            f"{User.objects.count()} users ({created} new)."
        ))
        # Each business area adds its demo data through its app config's seed_demo(command, scale), in
        # INSTALLED_APPS order: each area's data may use the areas' below it.
        for config in apps.get_app_configs():
            seed = getattr(config, "seed_demo", None)
            if seed is not None:
                with transaction.atomic():
                    seed(self, scale)
        if run_schedules:
            jobs = schedules_run_first()
            self.stdout.write(f"First run of {len(jobs)} scheduled jobs queued; the worker runs them as it starts.")
        self.stdout.write(
            f"Demo logins (password for all: {DEMO_PASSWORD}):\n"
            f"  admin        administrator\n"
            f"  wangjianguo  company head (manager of everyone)\n"
            f"  zhaomin      business division head (政企事业部)\n"
            f"  chenjing     region manager (华东区)\n"
            f"  liqiang      team manager (上海大客户一组)\n"
            f"  zhangwei     account manager (上海大客户一组)"
        )

    def progress(self, message: str) -> None:
        if not self.quiet:
            self.stdout.write(message)

    def unit(self, name: str, kind: str, parent: OrgUnit | None, manager: User | None) -> OrgUnit:
        unit, _ = OrgUnit.objects.get_or_create(parent=parent, name=name, defaults={"kind": kind})
        if manager is not None and unit.manager_id != manager.pk:
            unit.manager = manager
            unit.save(update_fields=["manager", "updated_at"])
        return unit

    def person(self, username: str, display_name: str, role: str, manager: User | None) -> tuple[User, bool]:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "display_name": display_name,
                "role": role,
                "manager": manager,
                "password": self.password_hash,
                "email": f"{username}@demo.example.com",
            },
        )
        return user, created

    def place(self, user: User, unit: OrgUnit) -> None:
        if user.org_unit_id != unit.pk:
            user.org_unit = unit
            user.save(update_fields=["org_unit"])

    def seed_organisation(self, scale: int) -> int:
        created_count = 0
        admin, created = self.person(*ADMIN, Role.ADMIN, None)
        if created:
            admin.is_staff = admin.is_superuser = True
            admin.save(update_fields=["is_staff", "is_superuser"])
        created_count += created
        head, created = self.person(*HEAD, Role.MANAGER, None)
        created_count += created
        company = self.unit(COMPANY, OrgUnitKind.COMPANY, None, head)
        self.place(head, company)
        self.place(admin, company)
        self.progress(f"Company {COMPANY}")
        extra_names = self.extra_names()
        for (division_name, division_head), regions in ORGANISATION.items():
            division_manager, created = self.person(*division_head, Role.MANAGER, head)
            created_count += created
            division = self.unit(division_name, OrgUnitKind.DIVISION, company, division_manager)
            self.place(division_manager, division)
            self.progress(f"  {division_name}")
            for (region_name, region_head), teams in regions.items():
                region_manager, created = self.person(*region_head, Role.MANAGER, division_manager)
                created_count += created
                region = self.unit(region_name, OrgUnitKind.REGION, division, region_manager)
                self.place(region_manager, region)
                for (team_name, team_head), members in teams.items():
                    team_manager, created = self.person(*team_head, Role.MANAGER, region_manager)
                    created_count += created
                    team = self.unit(team_name, OrgUnitKind.TEAM, region, team_manager)
                    self.place(team_manager, team)
                    people = list(members)
                    for _ in range(len(members) * (scale - 1)):
                        people.append(next(extra_names))
                    for username, display_name in people:
                        member, created = self.person(username, display_name, Role.ACCOUNT_MANAGER, team_manager)
                        created_count += created
                        self.place(member, team)
                    self.progress(f"    {region_name} / {team_name}: {len(people)} account managers")
        return created_count

    @staticmethod
    def extra_names():
        """Deterministic extra account managers for --scale, so reruns find the same people."""
        number = 0
        while True:
            number += 1
            surname = SURNAMES[number % len(SURNAMES)]
            given = GIVEN[(number // len(SURNAMES)) % len(GIVEN)]
            yield f"am{number:05d}", f"{surname}{given}{number // (len(SURNAMES) * len(GIVEN)) or ''}"
