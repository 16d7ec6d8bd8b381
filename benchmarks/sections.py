"""The benchmark sections, one per hot path; each sets up its data inside a rolled-back transaction."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.db import connection

from benchmarks.core import client_for, measure, section


@section("organisation")
def organisation() -> None:
    from teams.models import User

    call_command("seed_demo", "--scale", "25", "--quiet", stdout=StringIO())
    head = User.objects.get(username="wangjianguo")
    leaf = User.objects.filter(role="account_manager").order_by("-id").first()
    print(f"  dataset: seed_demo --scale 25 ({User.objects.count()} users)")
    measure("User.is_superior_of (company head -> deepest account manager)", lambda: head.is_superior_of(leaf))
    measure("User.subordinates() of the company head (all rows)", lambda: list(head.subordinates()))
    client = client_for("wangjianguo")
    measure("GET /api/v1/users/?page_size=200", lambda: client.get("/api/v1/users/?page_size=200"), repeat=20)
    measure("GET /teams/org/ (org chart page)", lambda: client.get("/teams/org/"), repeat=20)


# --- Customers: the uniqueness check and the bulk import -------------------------------------

CITIES = [
    ("上海", "上海", "021"), ("北京", "北京", "010"), ("广东", "深圳", "0755"), ("广东", "广州", "020"),
    ("江苏", "南京", "025"), ("江苏", "苏州", "0512"), ("浙江", "杭州", "0571"), ("浙江", "宁波", "0574"),
    ("四川", "成都", "028"), ("湖北", "武汉", "027"), ("陕西", "西安", "029"), ("山东", "青岛", "0532"),
    ("山东", "济南", "0531"), ("天津", "天津", "022"), ("重庆", "重庆", "023"), ("福建", "厦门", "0592"),
    ("湖南", "长沙", "0731"), ("河南", "郑州", "0371"), ("安徽", "合肥", "0551"), ("辽宁", "大连", "0411"),
    ("辽宁", "沈阳", "024"), ("云南", "昆明", "0871"), ("江苏", "无锡", "0510"), ("广东", "东莞", "0769"),
]
BRAND_CHARS = ("华远星辰恒泰鑫宏盛达瑞丰金晟博越天润中科信安新锐联创永成嘉禾正元银河海川东方明德启航蓝卓万通"
               "佳和凯利隆汇富源广兴业同长城九州龙腾飞扬云帆皓宇振邦立德思远精工润泽光耀浩然百川国鼎致诚")
INDUSTRY_WORDS = [
    ("智能科技", "制造业"), ("电子科技", "制造业"), ("信息技术", "信息技术"), ("网络科技", "信息技术"),
    ("精密机械", "制造业"), ("重工", "制造业"), ("化工", "化工"), ("新材料", "制造业"), ("生物医药", "医疗"),
    ("医疗器械", "医疗"), ("物流", "交通"), ("供应链管理", "交通"), ("建设工程", "建筑"), ("能源", "能源"),
    ("电力设备", "能源"), ("环保科技", "环保"), ("食品", "消费品"), ("纺织", "消费品"), ("汽车零部件", "制造业"),
    ("通信设备", "制造业"), ("软件", "信息技术"), ("数据服务", "信息技术"), ("金融服务", "金融"), ("贸易", "批发零售"),
    ("实业", "制造业"), ("制药", "医疗"), ("光电", "制造业"), ("半导体", "制造业"), ("教育科技", "教育"),
]
SUFFIXES = ["有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司", "集团有限公司"]
EN_WORDS = ["Acme", "Pacific", "Orient", "Golden", "Bright", "Summit", "Vertex", "Nova", "Apex", "Harbor", "Silver",
            "Eagle", "Phoenix", "Crown", "Delta", "Sigma", "Unity", "Horizon", "Pioneer", "Atlas", "Zenith",
            "Evergreen", "Lotus", "Jade", "Dragon", "Northstar", "Bluewave", "Ironwood", "Crystal", "Meridian"]
EN_INDUSTRIES = ["Robotics", "Logistics", "Electronics", "Software", "Chemicals", "Medical", "Energy", "Materials",
                 "Semiconductor", "Trading", "Foods", "Textiles", "Instruments", "Networks", "Biotech"]
EN_SUFFIXES = ["Co., Ltd.", "Ltd.", "Inc.", "Corporation", "(China) Co., Ltd.", "Group Limited"]


def _credit_code(serial: int) -> str:
    """A valid, unique unified social credit code for a serial number."""
    from accounts.validators import ALPHABET, credit_code_check_char

    digits = []
    for _position in range(9):
        serial, rest = divmod(serial, len(ALPHABET))
        digits.append(ALPHABET[rest])
    body = "91" + "310115" + "".join(reversed(digits))
    return body + credit_code_check_char(body)


class CompanyFaker:
    """Realistic, varied company records: mostly Chinese names, a tenth English, cities and phones."""

    def __init__(self, seed: int) -> None:
        import random

        self.random = random.Random(seed)  # noqa: S311 - demo data, not security
        self.serial = seed * 10_000_000

    def name(self, city: str) -> tuple[str, str]:
        pick = self.random
        if pick.random() < 0.1:
            words = pick.sample(EN_WORDS, 2 if pick.random() < 0.5 else 1)
            return f"{' '.join(words)} {pick.choice(EN_INDUSTRIES)} {pick.choice(EN_SUFFIXES)}", "制造业"
        brand = "".join(pick.sample(BRAND_CHARS, 3 if pick.random() < 0.3 else 2))
        word, industry = pick.choice(INDUSTRY_WORDS)
        suffix = pick.choice(SUFFIXES)
        shape = pick.random()
        if shape < 0.6:
            return f"{city}{brand}{word}{suffix}", industry
        if shape < 0.8:
            return f"{brand}{word}（{city}）{suffix}", industry
        return f"{brand}{word}{suffix}", industry

    def record(self, *, with_code: float = 0.7) -> dict:
        pick = self.random
        province, city, area = pick.choice(CITIES)
        name, industry = self.name(city)
        self.serial += 1
        phone = (f"{area}-{pick.randint(20000000, 89999999)}" if pick.random() < 0.7
                 else f"1{pick.choice('35789')}{pick.randint(100000000, 999999999)}")
        return {
            "name": name, "credit_code": _credit_code(self.serial) if pick.random() < with_code else "",
            "industry": industry, "province": province, "city": city,
            "address": f"{city}市{pick.choice('东南西北中')}区{pick.randint(1, 999)}号", "phone": phone,
            "email": "", "website": "", "employees": pick.choice([None, 20, 80, 150, 300, 800, 2000, 12000]),
            "annual_revenue": None,
        }


def vacuum_customers() -> None:
    """VACUUM the customer table from a second connection, outside the section's transaction.

    Every run leaves its rolled-back rows behind as dead tuples (100,000 per section); after a few
    runs the trigram search spends most of its time skipping them. Autovacuum would remove them in
    a live database, so the benchmark removes them before it builds its own rows.
    """
    from django.db import connections

    if connection.vendor != "postgresql":
        return
    other = connections.create_connection("default")
    try:
        other.set_autocommit(True)
        with other.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE accounts_customer")
            cursor.execute("VACUUM ANALYZE accounts_customername")
    finally:
        other.close()


def build_customers(count: int, *, seed: int = 1) -> list[dict]:
    """Insert `count` customers with bulk_create (matching keys derived first, the trigram table
    filled as bulk writes must); return their records."""
    from accounts.models import Customer, CustomerName

    vacuum_customers()
    faker = CompanyFaker(seed)
    records = [faker.record() for _ in range(count)]
    chunk = 5000
    for start in range(0, count, chunk):
        batch = []
        for record in records[start:start + chunk]:
            customer = Customer(**record, source="purchased")
            customer.refresh_keys()
            batch.append(customer)
        Customer.objects.bulk_create(batch, batch_size=chunk)
        CustomerName.objects.sync(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # What autovacuum does to a table that has been there a while: statistics for the
            # planner, and the GIN index's pending list (fastupdate) merged into the index proper.
            cursor.execute("ANALYZE accounts_customer")
            cursor.execute("ANALYZE accounts_customername")
            cursor.execute("SELECT gin_clean_pending_list('customername_trgm'::regclass)")
    return records


def _near(name: str, pick) -> str:
    """The same company written a little differently: one brand character changed, or words added."""
    shape = pick.random()
    if shape < 0.4:
        for char in name:
            if char in BRAND_CHARS:
                return name.replace(char, pick.choice(BRAND_CHARS), 1)
    if shape < 0.7:
        return name.replace("有限公司", "发展有限公司", 1) if "有限公司" in name else f"{name} Trading"
    return name.replace("有限公司", "科技有限公司", 1) if "有限公司" in name else f"{name} Holdings"


def _probes(records: list[dict], pick) -> dict[str, list[dict]]:
    """Four kinds of incoming record, 50 each, as people submit them."""
    faker = CompanyFaker(99)
    with_codes = [r for r in records if r["credit_code"]]
    exact = []
    for record in pick.sample(records, 50):
        name = record["name"]
        variant = pick.random()
        if variant < 0.3:
            name = (name.replace("股份有限公司", "有限公司") if "股份" in name
                    else name.replace("有限公司", "股份有限公司"))
        elif variant < 0.5:
            name = name.translate({ord(c): ord(c) + 0xFEE0 for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ()"})
        exact.append({"name": name, "city": record["city"], "phone": ""})
    near = [{"name": _near(r["name"], pick), "city": r["city"], "phone": r["phone"] if pick.random() < 0.3 else ""}
            for r in pick.sample(records, 50)]
    new = [faker.record(with_code=0.5) for _ in range(50)]
    codes = [{"name": _near(r["name"], pick), "credit_code": r["credit_code"], "city": r["city"]}
             for r in pick.sample(with_codes, 50)]
    return {"exact name (suffix / width variants)": exact, "near name (a character or word differs)": near,
            "new company": new, "existing credit code, name differs": codes}


@section("uniqueness")
def uniqueness() -> None:
    import itertools
    import os
    import random
    import time

    from accounts.matching import PROBABLE_SCORE, SURE_SCORE
    from accounts.services import customer_check

    start = time.perf_counter()
    records = build_customers(100_000)
    print(f"  dataset: 100,000 customers (bulk_create, {time.perf_counter() - start:.1f} s to build; "
          f"load average {os.getloadavg()[0]:.1f})")
    probes = _probes(records, random.Random(7))  # noqa: S311
    everything = [probe for group in probes.values() for probe in group]
    random.Random(3).shuffle(everything)  # noqa: S311
    for label, group in probes.items():
        outcomes = {"sure": 0, "probable": 0, "none": 0}
        for probe in group:
            best = (customer_check(data=probe) or [None])[0]
            score = best.score if best else 0
            outcomes["sure" if score >= SURE_SCORE else "probable" if score >= PROBABLE_SCORE else "none"] += 1
        cycle = itertools.cycle(group)
        measure(f"customer_check: {label}", lambda c=cycle: customer_check(data=next(c)), repeat=len(group))
        print(f"    outcomes: {outcomes}")
    cycle = itertools.cycle(everything)
    measure("customer_check: all 200 probes", lambda: customer_check(data=next(cycle)), repeat=len(everything))


def import_file_rows(records: list[dict], *, rows: int = 10_000, seed: int = 5) -> tuple[list[list[str]], dict]:
    """A purchased list: mostly new companies, some already known, a few near names, duplicate
    rows and bad rows, shuffled. Returns the CSV rows (header first) and what was put in."""
    import random

    from accounts.validators import ALPHABET

    pick = random.Random(seed)  # noqa: S311
    faker = CompanyFaker(seed + 1000)
    header = ["客户名称", "统一社会信用代码", "行业", "省份", "城市", "地址", "电话", "员工人数", "备注"]
    shares = {"known (code or name)": 0.06, "near names": 0.02, "duplicates in file": 0.04, "bad rows": 0.03}
    plan = {label: round(rows * share) for label, share in shares.items()}
    plan["new"] = rows - sum(plan.values())
    body: list[dict] = [faker.record(with_code=0.6) for _ in range(plan["new"])]
    for record in pick.sample(records, plan["known (code or name)"]):
        known = dict(record)
        if pick.random() < 0.5 or not known["credit_code"]:
            known["credit_code"] = ""
        else:
            known["name"] = _near(known["name"], pick)
        body.append(known)
    for record in pick.sample(records, plan["near names"]):
        body.append({**record, "name": _near(record["name"], pick), "credit_code": ""})
    for record in pick.sample(body[: plan["new"]], plan["duplicates in file"]):
        body.append({**record, "phone": ""})
    for number in range(plan["bad rows"]):
        bad = faker.record(with_code=1.0)
        if number % 3 == 0:
            bad["name"] = ""
        elif number % 3 == 1:
            code = bad["credit_code"]
            bad["credit_code"] = code[:17] + next(c for c in ALPHABET if c != code[17])
        else:
            bad["employees"] = "约两百人"
        body.append(bad)
    pick.shuffle(body)
    table = [header]
    for record in body:
        table.append([record["name"], record["credit_code"], record["industry"], record["province"], record["city"],
                      record["address"], record["phone"], str(record["employees"] or ""), "展会名单"])
    return table, plan


class QueryClock:
    """An execute_wrapper that counts statements and their time by kind, without keeping them."""

    KINDS = [("trigram search", "SIMILARITY("), ("trigram search", "similarity("), ("savepoint", "SAVEPOINT"),
             ("INSERT", "INSERT "),
             ("UPDATE", "UPDATE "), ("SELECT", "SELECT ")]

    def __init__(self) -> None:
        self.count: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    def __call__(self, execute, sql, params, many, context):
        import time

        kind = next((name for name, marker in self.KINDS if marker in sql), "other")
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count[kind] = self.count.get(kind, 0) + 1
            self.seconds[kind] = self.seconds.get(kind, 0.0) + time.perf_counter() - start

    def report(self, rows: int, total: float) -> None:
        for kind, seconds in sorted(self.seconds.items(), key=lambda item: -item[1]):
            print(f"    {kind:<16} {self.count[kind] / rows:5.2f} per row  {seconds * 1000 / rows:6.2f} ms per row "
                  f"({100 * seconds / total:4.1f}%)")
        rest = total - sum(self.seconds.values())
        print(f"    {'outside SQL':<16} {'':>13}  {rest * 1000 / rows:6.2f} ms per row ({100 * rest / total:4.1f}%)"
              f"  Python, commits")


@section("import")
def import_() -> None:
    import csv
    import io
    import os
    import tempfile
    import time

    from django.core.files.base import ContentFile
    from django.test.utils import override_settings

    from accounts.imports import import_batch_duplicates, import_batch_process, import_parse
    from accounts.models import ImportBatch
    from teams.models import Role, User

    start = time.perf_counter()
    records = build_customers(100_000, seed=2)
    table, plan = import_file_rows(records)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(table)
    content = buffer.getvalue().encode("utf-8-sig")
    print(f"  dataset: 100,000 existing customers; a {len(table) - 1:,}-row CSV ({len(content) / 1e6:.1f} MB): {plan}"
          f" ({time.perf_counter() - start:.1f} s to build; load average {os.getloadavg()[0]:.1f})")
    importer = User.objects.create(username="bench-importer", role=Role.ACCOUNT_MANAGER, language="en")

    started = time.perf_counter()
    parsed = import_parse(content=content, file_name="list.csv")
    print(f"  parse only: {len(parsed.rows):,} rows in {time.perf_counter() - started:.2f} s")

    clock = QueryClock()
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        batch = ImportBatch(source="purchased", original_name="list.csv", created_by=importer)
        batch.file.save("list.csv", ContentFile(content), save=False)
        batch.save()
        with connection.execute_wrapper(clock):
            started = time.perf_counter()
            batch = import_batch_process(batch_id=batch.pk)
            seconds = time.perf_counter() - started
    rows = batch.processed_rows
    print(f"  import_batch_process: {seconds:.1f} s for {rows:,} rows = {rows / seconds:,.0f} rows/s, "
          f"status {batch.status}, load average {os.getloadavg()[0]:.1f}")
    print(f"    created {batch.created_count:,}, matched {batch.matched_count:,}, review {batch.review_count:,}, "
          f"duplicates {import_batch_duplicates(batch):,}, rejected {batch.error_count:,}")
    clock.report(rows, seconds)


# --- Funnel: the nightly snapshot of every person and unit, the funnel page and the health API ---------

def build_funnel_company(*, scale: int, opportunities: int, seed: int = 5) -> dict:
    """The demo organisation at `scale` (seed_demo's org only), `opportunities` opportunities spread over the
    account managers and the stages (bulk_create), a stage entry for every one of them (as the creation
    service and the back-fill migration give them), and four quarterly snapshots of history so that the
    baselines have work to do."""
    import random
    from datetime import timedelta
    from decimal import Decimal

    from django.contrib.auth.hashers import make_password
    from django.core.management.base import OutputWrapper
    from django.utils import timezone

    from accounts.models import Customer
    from funnel.models import FunnelSnapshot, StageEntry
    from opportunities.models import Opportunity, Stage
    from teams.management.commands.seed_demo import Command
    from teams.models import OrgUnit, Role, User

    command = Command()
    command.stdout = OutputWrapper(StringIO())
    command.quiet, command.password_hash = True, make_password("bench-only")
    command.seed_organisation(scale)
    pick = random.Random(seed)  # noqa: S311 - benchmark data, not security
    managers = list(User.objects.filter(role=Role.ACCOUNT_MANAGER).values_list("pk", flat=True))
    customers = Customer.objects.bulk_create(
        [Customer(name=f"基准客户{seed}-{n}", city="上海", province="上海", source="purchased") for n in range(5000)],
        batch_size=5000)
    stages = list(Stage.objects.filter(active=True).order_by("order"))
    weights = [16, 15, 13, 12, 11, 8, 7, 10, 8][: len(stages)]
    today = timezone.localdate()
    rows = []
    for n in range(opportunities):
        rows.append(Opportunity(
            customer=customers[n % len(customers)], name=f"基准商机{n}", expected_close_date=today + timedelta(days=90),
            stage=pick.choices(stages, weights)[0], primary_owner_id=pick.choice(managers),
            amount=Decimal(pick.randint(5, 500) * 10000)))
        if len(rows) == 10_000:
            Opportunity.objects.bulk_create(rows, batch_size=10_000)
            rows = []
    Opportunity.objects.bulk_create(rows, batch_size=10_000)
    now = timezone.now()
    # Every one has entered its stage in the last weeks; about one in seven has sat longer than most limits.
    entries = [StageEntry(opportunity_id=pk, stage_id=stage_id,
                          entered_at=now - timedelta(days=pick.randint(0, 75) if pick.random() < 0.15
                                                     else pick.randint(0, 25)))
               for pk, stage_id in Opportunity.objects.filter(pk__gt=0).values_list("pk", "stage_id")]
    StageEntry.objects.bulk_create(entries, batch_size=10_000)
    open_stages = [s for s in stages if s.outcome == "open"]
    history = []
    holders = [("user", pk) for pk in User.objects.values_list("pk", flat=True)] + [
        ("org_unit", pk) for pk in OrgUnit.objects.values_list("pk", flat=True)]
    for quarter in range(1, 5):
        day = today - timedelta(days=91 * quarter)
        for kind, pk in holders:
            for stage in open_stages:
                count = pick.randint(0, 60)
                history.append(FunnelSnapshot(date=day, stage=stage, count=count, amount=Decimal(count * 2_500_000),
                                              **{f"{kind}_id": pk}))
    FunnelSnapshot.objects.bulk_create(history, batch_size=10_000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("opportunities_opportunity", "funnel_stageentry", "funnel_funnelsnapshot", "teams_user"):
                cursor.execute(f"ANALYZE {table}")
    return {"users": User.objects.count(), "units": OrgUnit.objects.count(),
            "opportunities": Opportunity.objects.count(), "history_rows": len(history)}


@section("funnel")
def funnel() -> None:
    import os
    import time

    from django.test.utils import CaptureQueriesContext

    from funnel.models import FunnelSnapshot
    from funnel.services import funnel_snapshot_take
    from teams.models import OrgUnit, User

    scale = int(os.environ.get("FUNNEL_SCALE", "40"))
    count = int(os.environ.get("FUNNEL_OPPORTUNITIES", "300000"))
    start = time.perf_counter()
    built = build_funnel_company(scale=scale, opportunities=count)
    print(f"  dataset: seed_demo's organisation at --scale {scale} ({built['users']:,} users, {built['units']} units), "
          f"{built['opportunities']:,} opportunities (bulk_create), {built['history_rows']:,} history snapshot rows "
          f"({time.perf_counter() - start:.1f} s to build)")
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        run = funnel_snapshot_take()
        seconds = time.perf_counter() - started
    print(f"  funnel_snapshot_take, first run of the day: {seconds:.2f} s, {run.rows:,} rows, "
          f"{len(queries.captured_queries)} queries")
    measure("funnel_snapshot_take, second run the same day (writes nothing)", funnel_snapshot_take, repeat=3,
            warmup=0)
    print(f"  rows of the day after both runs: {FunnelSnapshot.objects.filter(date=run.date).count():,}")
    company = OrgUnit.objects.get(parent__isnull=True)
    region = OrgUnit.objects.filter(kind="region").order_by("pk").first()
    team = OrgUnit.objects.filter(kind="team").order_by("pk").first()
    person = User.objects.filter(role="account_manager", org_unit=team).order_by("pk").first()
    head = client_for("wangjianguo")
    measure(f"GET /funnel/ company ({company.name}, all opportunities)", lambda: head.get("/funnel/"), repeat=20)
    regional = client_for(region.manager.username)
    measure(f"GET /funnel/ region ({region.name})", lambda: regional.get("/funnel/"), repeat=20)
    team_manager = client_for(team.manager.username)
    measure(f"GET /funnel/ team ({team.name})", lambda: team_manager.get("/funnel/"), repeat=20)
    measure("GET /funnel/?user= one account manager", lambda: team_manager.get(f"/funnel/?user={person.pk}"),
            repeat=20)
    measure("GET /funnel/?org_unit=&live=1 company, counted live (not the default)",
            lambda: head.get(f"/funnel/?org_unit={company.pk}&live=1"), repeat=10)
    measure("GET /funnel/stuck/?org_unit= company, all stuck, page 1 of 50",
            lambda: head.get(f"/funnel/stuck/?org_unit={company.pk}"), repeat=10)
    measure("GET /api/v1/funnel/health/?org_unit=company&measure=amount",
            lambda: head.get(f"/api/v1/funnel/health/?org_unit={company.pk}&measure=amount"), repeat=20)
    measure("GET /api/v1/funnel/health/?user= one account manager",
            lambda: team_manager.get(f"/api/v1/funnel/health/?user={person.pk}"), repeat=20)


@section("quotas")
def quotas() -> None:
    """Quota lists, the allocation page with its past-years columns, the attainment dashboard and the payout job,
    on the scaled demo with won opportunities spread over four years."""
    import random
    from datetime import date
    from decimal import Decimal

    from django.utils import timezone

    from opportunities.models import Opportunity, Stage
    from sales_planning.models import IncentivePlan, PeriodKind, Quota, QuotaPeriod
    from teams import selectors, services
    from teams.models import OrgUnit, User

    call_command("seed_demo", "--scale", "25", "--quiet", stdout=StringIO())
    won = Stage.objects.get(code="08", outcome="won")
    pick = random.Random(11)  # noqa: S311 - benchmark data
    this_year = timezone.localdate().year
    customers = {}
    for customer_id, owner_id in Opportunity.objects.values_list("customer_id", "primary_owner_id"):
        customers.setdefault(owner_id, customer_id)
    fallback = next(iter(customers.values()))
    people = list(User.objects.filter(role="account_manager").values_list("pk", flat=True))
    won_on = [(pk, date(this_year - pick.randint(0, 3), pick.randint(1, 12), pick.randint(1, 28)))
              for pk in people for _ in range(8)]
    Opportunity.objects.bulk_create([
        Opportunity(customer_id=customers.get(pk, fallback), name="历史项目", stage=won, primary_owner_id=pk,
                    amount=Decimal(pick.randint(20, 180) * 10000), expected_close_date=day, closed_on=day)
        for pk, day in won_on
    ], batch_size=1000)
    year = QuotaPeriod.objects.get(kind=PeriodKind.YEAR, year=this_year)
    print(f"  dataset: seed_demo --scale 25 ({User.objects.count()} users, {Quota.objects.count()} quotas, "
          f"{Opportunity.objects.filter(stage=won).count()} won opportunities)")
    team = OrgUnit.objects.get(name="上海大客户一组")
    company = OrgUnit.objects.get(parent__isnull=True)
    quotas = list(Quota.objects.filter(period=year).select_related("period"))
    measure(f"quota_attach_attainment ({len(quotas)} quotas of the year)",
            lambda: selectors.quota_attach_attainment(quotas), repeat=20)
    client = client_for("wangjianguo")
    measure("GET /api/v1/quotas/?page_size=200", lambda: client.get("/api/v1/quotas/?page_size=200"), repeat=20)
    measure("GET /teams/quotas/ (quota list page)", lambda: client.get(f"/teams/quotas/?period={year.pk}"), repeat=20)
    manager = client_for(team.manager.username)
    measure(f"GET allocation page of a team ({User.objects.filter(org_unit=team).count()} people, 3 past years)",
            lambda: manager.get(f"/teams/quotas/allocate/{year.pk}/{team.pk}/"), repeat=20)
    measure("GET attainment dashboard of the company",
            lambda: client.get(f"/teams/quotas/dashboard/?period={year.pk}&unit={company.pk}"), repeat=10)
    plan = IncentivePlan.objects.filter(status="published", period__end__lt=timezone.localdate()).first()
    if plan is not None:
        people_count = selectors.incentive_plan_eligible_people(plan=plan).count()
        measure(f"incentive_payouts_calculate ({people_count} people; repeated runs leave the rows unchanged)",
                lambda: services.incentive_payouts_calculate(plan=plan), repeat=5, warmup=1)


# --- Opportunities: the list page and the API list at 300,000 opportunities -----------------

def build_opportunities(total: int = 300_000, chunk: int = 10_000) -> None:
    """The demo organisation at --scale 10 (240 account managers), 24,000 customers and `total`
    opportunities (one product line and one primary team row each, a second team member on every
    tenth; the won and lost ones closed on a day of the last year), and a tender for every 50th (its key
    dates a week apart around its close date; open while the opportunity is), written with bulk_create in
    chunks."""
    import random
    import time
    from datetime import datetime, timedelta
    from datetime import time as dt_time
    from decimal import Decimal

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import Customer
    from bids.models import BidProject, BidStatus
    from opportunities.models import Opportunity, OpportunityLine, OpportunityTeamMember, Product, Stage, StageOutcome
    from teams.management.commands.seed_demo import Command as SeedDemo
    from teams.models import Role, User

    started = time.perf_counter()
    organisation = SeedDemo(stdout=StringIO())
    organisation.quiet, organisation.password_hash = True, make_password(None)
    organisation.seed_organisation(10)
    people = list(User.objects.filter(role=Role.ACCOUNT_MANAGER).order_by("id"))
    customers = []
    for number in range(24_000):
        customer = Customer(name=f"基准商机客户{number:05d}有限公司", owner=people[number % len(people)],
                            city="上海", source="manual")
        customer.refresh_keys()
        customers.append(customer)
    Customer.objects.bulk_create(customers, batch_size=5000)
    customers_of: dict[int, list[int]] = {}
    for pk, owner_id in Customer.objects.filter(name__startswith="基准商机客户").values_list("pk", "owner_id"):
        customers_of.setdefault(owner_id, []).append(pk)
    stages = list(Stage.objects.filter(active=True).order_by("order"))
    weights = [16, 15, 13, 12, 11, 8, 7, 10, 8][: len(stages)]
    product, _ = Product.objects.get_or_create(code="BENCH-OPP", defaults={"name": "基准产品", "list_price": 1000})
    pick = random.Random(4)  # noqa: S311 - benchmark data, not security
    today = timezone.localdate()
    made = 0
    while made < total:
        batch = []
        for number in range(made, min(made + chunk, total)):
            owner = people[number % len(people)]
            score = pick.randint(0, 20) if number % 3 else None
            stage = pick.choices(stages, weights)[0]
            closed_on = None if stage.outcome == StageOutcome.OPEN else today - timedelta(days=pick.randint(0, 364))
            batch.append(Opportunity(
                customer_id=customers_of[owner.pk][number % len(customers_of[owner.pk])],
                name=f"基准商机{number:06d}", amount=Decimal(pick.randrange(10_000, 5_000_000)),
                expected_close_date=today + timedelta(days=pick.randint(-180, 365)),
                stage=stage, closed_on=closed_on, primary_owner=owner, confirmed=number % 4 == 0,
                assessment_score=score, high_value=score is not None and score > 10, source="manual",
            ))
        Opportunity.objects.bulk_create(batch, batch_size=chunk)
        OpportunityTeamMember.objects.bulk_create(
            [OpportunityTeamMember(opportunity=o, user=o.primary_owner, is_primary=True) for o in batch]
            + [OpportunityTeamMember(opportunity=o, user=people[(i * 7 + 3) % len(people)], role="presales")
               for i, o in enumerate(batch) if i % 10 == 0 and people[(i * 7 + 3) % len(people)] != o.primary_owner],
            batch_size=chunk,
        )
        OpportunityLine.objects.bulk_create(
            [OpportunityLine(opportunity=o, product=product, quantity=1, unit_price=o.amount, amount=o.amount)
             for o in batch], batch_size=chunk,
        )
        tenders = []
        for o in batch[::50]:
            close = timezone.make_aware(datetime.combine(o.expected_close_date, dt_time(10)))
            status = {StageOutcome.WON: BidStatus.WON, StageOutcome.LOST: BidStatus.LOST}.get(
                o.stage.outcome, BidStatus.PREPARING)
            tenders.append(BidProject(
                opportunity=o, status=status, registration_at=close - timedelta(days=28),
                clarification_at=close - timedelta(days=21), submission_at=close - timedelta(days=14),
                opening_at=close - timedelta(days=7), award_at=close))
        BidProject.objects.bulk_create(tenders, batch_size=chunk)
        made += len(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("opportunities_opportunity", "opportunities_opportunityteammember",
                          "opportunities_opportunityline", "accounts_customer", "teams_user", "bids_bidproject"):
                cursor.execute(f"ANALYZE {table}")
    print(f"  dataset: {Opportunity.objects.count():,} opportunities, {len(people)} account managers, "
          f"{len(customers):,} customers, {BidProject.objects.count():,} tenders, "
          f"built in {time.perf_counter() - started:.0f} s")


@section("opportunities")
def opportunities() -> None:
    """The opportunity list (page and API) at 300,000 opportunities, for an account manager, a
    team manager and the company head: the visibility filter, the filters, sorting and counting."""
    from datetime import timedelta

    from django.utils import timezone

    from opportunities.models import Opportunity

    build_opportunities()
    today = timezone.localdate()
    am, manager, head = "zhangwei", "liqiang", "wangjianguo"
    for username, who in ((am, "account manager, 1,250 visible"), (manager, "team manager, 37,500 visible"),
                          (head, "company head, all 300,000")):
        client = client_for(username)
        measure(f"GET /opportunities/ ({who})", lambda c=client: c.get("/opportunities/"), repeat=20)
        measure(f"GET /api/v1/opportunities/ ({who})", lambda c=client: c.get("/api/v1/opportunities/"), repeat=20)
    client = client_for(head)
    measure("GET /opportunities/?stage=05&high_value=true&ordering=-amount (head)",
            lambda: client.get("/opportunities/?stage=05&high_value=true&ordering=-amount"), repeat=20)
    close_from, close_until = today.isoformat(), (today + timedelta(days=30)).isoformat()
    measure("GET /opportunities/?close_after…close_before (30 days, head)",
            lambda: client.get(f"/opportunities/?close_after={close_from}&close_before={close_until}"), repeat=20)
    measure("GET /opportunities/?page=500 (head, deep page)", lambda: client.get("/opportunities/?page=500"),
            repeat=20)
    measure("GET /api/v1/opportunities/?page_size=200&ordering=-amount (head)",
            lambda: client.get("/api/v1/opportunities/?page_size=200&ordering=-amount"), repeat=20)
    client = client_for(manager)
    measure("GET /api/v1/opportunities/?search=基准商机0123 (team manager)",
            lambda: client.get("/api/v1/opportunities/?search=%E5%9F%BA%E5%87%86%E5%95%86%E6%9C%BA0123"), repeat=10)
    sample = Opportunity.objects.filter(primary_owner__username=am).order_by("id").first()
    client = client_for(am)
    measure("GET /opportunities/<id>/ (detail, lines tab)", lambda: client.get(f"/opportunities/{sample.pk}/"),
            repeat=20)




@section("forecasting")
def forecasting() -> None:
    """Roll-up of the whole company, the team forecast page, my forecast grid and the records API at
    the large demo scale: seed_demo's organisation at --scale 40 (976 users) and 300,000 opportunities
    (the funnel section's builder), a sixth of them closing in the current quarter.
    `FORECAST_SCALE` and `FORECAST_OPPORTUNITIES` change the size."""
    import os
    import time
    from decimal import Decimal

    from django.db import reset_queries
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from benchmarks.core import measure as measure_
    from forecasting import services
    from forecasting.models import Forecast, ForecastLine, ForecastPeriod, PeriodKind
    from opportunities.models import Opportunity, OpportunityLine, Product
    from teams.models import OrgUnit, OrgUnitKind, Role, User

    scale = int(os.environ.get("FORECAST_SCALE", "40"))
    count = int(os.environ.get("FORECAST_OPPORTUNITIES", "300000"))
    # Each run (and the funnel and opportunities sections') leaves 300,000 rolled-back rows in the
    # opportunity table; without a VACUUM the next run's scans read through all of them, which a
    # live database's autovacuum would have removed (vacuum_customers does the same for customers).
    if connection.vendor == "postgresql":
        from django.db import connections

        other = connections.create_connection("default")
        try:
            other.set_autocommit(True)
            with other.cursor() as cursor:
                for table in ("opportunities_opportunity", "opportunities_opportunityline", "funnel_stageentry",
                              "funnel_funnelsnapshot", "forecasting_forecast", "forecasting_forecastline",
                              "forecasting_forecastlineproduct", "forecasting_forecastevent"):
                    cursor.execute(f"VACUUM ANALYZE {table}")
        finally:
            other.close()
    started = time.perf_counter()
    build_funnel_company(scale=scale, opportunities=count, seed=7)
    today = timezone.localdate()
    quarter = services.period_ensure(kind=PeriodKind.QUARTER, day=today)
    ForecastPeriod.objects.exclude(pk=quarter.pk).update(status="closed")  # time one period's job
    # The builder closes every opportunity 90 days ahead (next quarter); one in six moves into this
    # quarter, spread over its days, four in five of those confirmed. Only those rows are updated:
    # rewriting all 300,000 would leave as many dead rows in the table for every scan to skip.
    span = (quarter.end - quarter.start).days + 1
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("UPDATE opportunities_opportunity SET confirmed = (id %% 5 <> 0), "
                           "expected_close_date = %s::date + ((id * 7919) %% %s)::integer WHERE id %% 6 = 0",
                           [quarter.start, span])
        else:
            cursor.execute("UPDATE opportunities_opportunity SET confirmed = (id %% 5 <> 0), expected_close_date = "
                           "date(%s, '+' || ((id * 7919) %% %s) || ' days') WHERE id %% 6 = 0",
                           [quarter.start.isoformat(), span])
    product, _ = Product.objects.get_or_create(code="BENCH-1", defaults={"name": "基准产品"})
    in_quarter = Opportunity.objects.filter(expected_close_date__gte=quarter.start,
                                            expected_close_date__lte=quarter.end)
    # One product line on each opportunity of the quarter (what the forecast lines and the production plan read).
    rows = []
    for pk, amount in in_quarter.values_list("pk", "amount").iterator(chunk_size=10_000):
        rows.append(OpportunityLine(opportunity_id=pk, product=product, quantity=Decimal(2), unit_price=amount / 2,
                                    amount=amount))
        if len(rows) == 10_000:
            OpportunityLine.objects.bulk_create(rows, batch_size=10_000)
            rows = []
    OpportunityLine.objects.bulk_create(rows, batch_size=10_000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # autovacuum would have, on a live database
    built = time.perf_counter() - started
    started = time.perf_counter()
    people = list(User.objects.filter(role=Role.ACCOUNT_MANAGER).select_related("manager", "org_unit"))
    for index, person in enumerate(people):
        record = services.forecast_submit(forecast=services.forecast_create(period=quarter, by=person), by=person)
        if index % 2 == 0:
            services.forecast_approve(forecast=record, by=person.manager)
    for kind in (OrgUnitKind.TEAM, OrgUnitKind.REGION):
        for unit in OrgUnit.objects.filter(kind=kind, manager__isnull=False).select_related("manager"):
            services.forecast_submit(forecast=services.forecast_create(period=quarter, by=unit.manager),
                                     by=unit.manager)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    setup = time.perf_counter() - started
    quarter_count = in_quarter.count()
    print(f"  dataset: seed_demo's organisation at --scale {scale} ({User.objects.count():,} users, "
          f"{len(people):,} account managers, {OrgUnit.objects.count()} units), "
          f"{Opportunity.objects.count():,} opportunities of which {quarter_count:,} close in {quarter.name} "
          f"(one product line each), built in {built:.0f} s; {Forecast.objects.count():,} records with "
          f"{ForecastLine.objects.count():,} lines created through the services in {setup:.0f} s; "
          f"load average {os.getloadavg()[0]:.1f}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT relpages FROM pg_class WHERE relname = 'opportunities_opportunity'")
            print(f"  opportunity table: {cursor.fetchone()[0]:,} pages")
    def measure(*args, **kwargs):
        reset_queries()  # building the data filled the query log; counts start afresh
        return measure_(*args, **kwargs)

    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        begun = time.perf_counter()
        services.forecast_rollup(period=quarter)
        seconds = time.perf_counter() - begun
    print(f"  forecast_rollup, first run: {seconds:.2f} s, {len(queries.captured_queries)} queries")
    measure("forecast_rollup(period) of the whole company", lambda: services.forecast_rollup(period=quarter),
            repeat=5, warmup=1)
    measure("forecast_jobs_run() (roll-up + reminders, one open period)", services.forecast_jobs_run,
            repeat=5, warmup=1)
    subtree = {username: User.objects.get(username=username).subordinates().count()
               for username in ("liqiang", "zhaomin", "wangjianguo")}
    liqiang = client_for("liqiang")
    reports = User.objects.filter(manager__username="liqiang").count()
    measure(f"GET /forecasts/team/ (team manager, {reports} direct reports)",
            lambda: liqiang.get(f"/forecasts/team/?period={quarter.pk}"), repeat=30)
    zhaomin = client_for("zhaomin")
    measure(f"GET /forecasts/team/ (division head, subtree of {subtree['zhaomin']})",
            lambda: zhaomin.get(f"/forecasts/team/?period={quarter.pk}"), repeat=30)
    head = client_for("wangjianguo")
    measure(f"GET /forecasts/team/ (company head, subtree of {subtree['wangjianguo']})",
            lambda: head.get(f"/forecasts/team/?period={quarter.pk}"), repeat=30)
    zhangwei = client_for("zhangwei")
    mine = in_quarter.filter(primary_owner__username="zhangwei").count()
    measure(f"GET /forecasts/ (my forecast, {mine} opportunities in the quarter)",
            lambda: zhangwei.get(f"/forecasts/?period={quarter.pk}"), repeat=30)
    measure("GET /forecasts/ (division head)", lambda: zhaomin.get(f"/forecasts/?period={quarter.pk}"), repeat=30)
    measure("GET /api/v1/forecasts/?page_size=200 (company head)",
            lambda: head.get(f"/api/v1/forecasts/?period={quarter.pk}&page_size=200"), repeat=20)
    division_head = User.objects.get(username="zhaomin")
    measure("forecast_create for the division head (sum of 2 regions)",
            lambda: services.forecast_create(period=quarter, by=division_head), repeat=10)


# --- Opportunities: the list page and the API list at 300,000 opportunities -----------------



def build_closed_history(closed: int = 50_000) -> None:
    """Turn `closed` of the built opportunities into a closed history (won or lost over the past 18 months), give
    them a scorecard whose answers lean with the outcome, and a stage path (one move per open stage passed);
    give every third open opportunity a scorecard too. Written in SQL (INSERT … SELECT): millions of rows."""
    import time

    from opportunities.models import AssessmentQuestion, Stage

    started = time.perf_counter()
    won = Stage.objects.get(code="08", outcome="won")
    lost = Stage.objects.get(code="08", outcome="lost")
    stages = list(Stage.objects.filter(outcome="open", active=True).order_by("order"))
    questions = list(AssessmentQuestion.objects.filter(active=True).order_by("order"))
    with connection.cursor() as cursor:
        # Exactly `closed` closed deals: the ones build_opportunities closed reopen at 03.
        cursor.execute("UPDATE opportunities_opportunity SET stage_id = %s, closed_on = NULL "
                       "WHERE stage_id IN (%s, %s)", [stages[min(2, len(stages) - 1)].pk, won.pk, lost.pk])
        # The closed deals: every sixth opportunity; won when a hidden lean says so (answers follow it below).
        cursor.execute(
            "CREATE TEMP TABLE bench_closed AS SELECT id, (random() < 0.45) AS won, "
            "(current_date - (3 + floor(random() * 540))::int) AS closed_on FROM opportunities_opportunity "
            "WHERE name LIKE '基准商机%%' AND id %% 6 = 0 ORDER BY id LIMIT %s", [closed])
        cursor.execute(
            "UPDATE opportunities_opportunity o SET stage_id = CASE WHEN c.won THEN %s ELSE %s END, "
            "closed_on = c.closed_on, expected_close_date = c.closed_on, "
            "created_at = c.closed_on - interval '120 days' FROM bench_closed c WHERE o.id = c.id", [won.pk, lost.pk])
        cursor.execute(
            "CREATE TEMP TABLE bench_assessed AS SELECT o.id, c.won FROM opportunities_opportunity o "
            "LEFT JOIN bench_closed c ON c.id = o.id "
            "WHERE o.name LIKE '基准商机%%' AND (c.id IS NOT NULL OR o.id %% 3 = 0)", [])
        cursor.execute(
            "INSERT INTO opportunities_assessment (opportunity_id, created_at, score, threshold, high_value, "
            "opportunity_score, competitiveness_score, winnability_score, worth_score) "
            "SELECT id, now() - interval '30 days', 10, 10, false, 2, 3, 2, 3 FROM bench_assessed")
        for question in questions:
            # Q7, Q11 and Q4 lean strongly with the outcome; the others are noise.
            lean = {"q7": 0.35, "q11": 0.3, "q4": 0.2}.get(question.code, 0.0)
            cursor.execute(
                "INSERT INTO opportunities_assessmentanswer (assessment_id, question_id, code, dimension, text_zh, "
                "text_en, \"order\", answer) SELECT a.id, %s, %s, %s, %s, %s, %s, "
                "random() < 0.5 + CASE WHEN b.won IS NULL THEN 0 WHEN b.won THEN %s ELSE -%s END "
                "FROM opportunities_assessment a JOIN bench_assessed b ON b.id = a.opportunity_id",
                [question.pk, question.code, question.dimension, question.text_zh, question.text_en, question.order,
                 lean, lean])
        # Stage paths: a won deal passed every open stage, a lost one the first k; one move out of each.
        for position, stage in enumerate(stages):
            after = stages[position + 1] if position + 1 < len(stages) else None
            cursor.execute(
                "INSERT INTO funnel_stagechange (opportunity_id, from_stage_id, to_stage_id, from_code, from_name_zh, "
                "from_name_en, from_outcome, from_probability, to_code, to_name_zh, to_name_en, to_outcome, "
                "to_probability, direction, amount, weighted_after, loss_reason, competitor, note, changed_at) "
                "SELECT c.id, %s, CASE WHEN c.won AND %s THEN %s ELSE %s END, %s, %s, %s, 'open', %s, '', '', '', "
                "'', 0, 'forward', 0, 0, '', '', '', c.closed_on - (%s * interval '15 days') "
                "FROM bench_closed c WHERE c.won OR (c.id / 6) %% %s >= %s",
                [stage.pk, after is not None, (after or won).pk, won.pk if after is None else lost.pk, stage.code,
                 stage.name_zh, stage.name_en, stage.probability, len(stages) - position, len(stages), position])
        for table in ("opportunities_opportunity", "opportunities_assessment", "opportunities_assessmentanswer",
                      "funnel_stagechange"):
            cursor.execute(f"ANALYZE {table}")
    print(f"  closed history: {closed:,} closed deals with scorecards and stage paths, built in "
          f"{time.perf_counter() - started:.0f} s")


@section("insights")
def insights() -> None:
    """Training and scoring the win probability at 300,000 opportunities with 50,000 closed, and the list's
    "predicted ≥ 70%" filter."""
    import time

    from insights.models import Prediction
    from insights.services import win_model_train
    from opportunities.models import Opportunity

    build_opportunities()
    build_closed_history()
    print(f"  dataset: {Opportunity.objects.count():,} opportunities, "
          f"{Opportunity.objects.exclude(stage__outcome='open').count():,} closed")
    for run in range(2):
        started = time.perf_counter()
        version = win_model_train()
        print(f"  win_model_train run {run + 1}: {time.perf_counter() - started:.1f} s "
              f"(kept {version.kind}, shown: {version.source}; {version.trained_on:,} closed deals, "
              f"{version.examples:,} examples, {version.scored:,} scored; Brier model {version.brier_model} / "
              f"{version.other_kind} {version.brier_other} / stages {version.brier_stage}; "
              f"{version.holdout_deals:,} held out)")
    print("    calibration (predicted → actual by decile): "
          + ", ".join(f"{row['predicted']:.2f}→{row['actual']:.2f}" for row in version.calibration))
    print(f"    predictions ≥ 70%: {Prediction.objects.filter(probability__gte=0.7).count():,}")
    client = client_for("liqiang")
    measure("GET /opportunities/?predicted_min=70 (team manager)",
            lambda: client.get("/opportunities/?predicted_min=70"), repeat=10)
