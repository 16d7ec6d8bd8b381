"""Bulk import of customers: reading CSV/Excel files, the row-by-row run, the job, the pages."""

from __future__ import annotations

import csv
import io
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts import imports, tasks
from accounts.imports import ReportOutcome, import_parse
from accounts.models import Customer, CustomerIntake, ImportBatch, ImportStatus, IntakeOutcome, Source
from accounts.services import CUSTOMER_FIELDS
from accounts.validators import credit_code_check_char
from crm.errors import DomainError
from crm.models import Job, JobState


def code(body: str) -> str:
    """A valid unified social credit code from its first 17 characters."""
    return body + credit_code_check_char(body)


CODE_A = code("91310000MA1FL0001")
CODE_B = code("91440300MA5DC0002")
CODE_EXISTING = code("91110000100000003")
BAD_CODE = CODE_A[:17] + ("0" if CODE_A[17] != "0" else "1")


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def make_batch(user, content: bytes, name: str = "list.csv", source: str = Source.PURCHASED) -> ImportBatch:
    batch = ImportBatch(source=source, original_name=name, created_by=user)
    batch.file.save(name, ContentFile(content), save=False)
    batch.save()
    return batch


def run(batch: ImportBatch) -> ImportBatch:
    tasks.import_batch_run(batch.pk)
    batch.refresh_from_db()
    return batch


def by_row(batch: ImportBatch) -> dict[int, dict]:
    return {entry["row"]: entry for entry in batch.report}


@pytest.fixture
def english(owner, manager, outsider, admin_user):
    """Messages in the report are written in the uploader's language: English here, to read them."""
    for person in (owner, manager, outsider, admin_user):
        person.language = "en"
        person.save(update_fields=["language"])


# --- Reading files ---------------------------------------------------------------------------

def test_field_labels_and_aliases_cover_the_customer_fields():
    assert list(imports.FIELD_LABELS) == CUSTOMER_FIELDS
    assert list(imports.HEADER_ALIASES) == CUSTOMER_FIELDS


@pytest.mark.parametrize("headings", [
    ["客户名称", "统一社会信用代码", "行业", "省份", "城市", "地址", "电话", "邮箱", "网站", "员工人数", "年收入"],
    ["名称", "信用代码", "industry", "Province", "CITY", "地址", "电话", "E-mail", "网站", "employees",
     "Annual revenue"],
    ["Name", "credit_code", "Industry", "province", "city", "address", "phone", "email", "website", "Employees",
     "annual_revenue"],
    ["ＮＡＭＥ", "Credit Code", "所属行业", "省", "所在城市", "详细地址", "联系电话", "电子邮箱", "网址", "人数",
     "营业收入"],
])
def test_chinese_and_english_headings_map_to_fields(headings):
    parsed = import_parse(content=csv_bytes([headings, ["华远科技"] + [""] * 10]), file_name="x.csv")
    assert parsed.columns == {name: index for index, name in enumerate(CUSTOMER_FIELDS)}
    assert parsed.rows[0].data["name"] == "华远科技"


def test_unknown_columns_stay_in_the_raw_data_and_blank_rows_are_skipped():
    content = csv_bytes([["备注", "客户名称", "城市", ""], ["老客户介绍", "华远科技", "上海", "x"], ["", "", "", ""],
                         ["", "星河物流", "", ""]])
    parsed = import_parse(content=content, file_name="x.csv")
    assert parsed.unknown == ["备注", "column 4"]
    assert [row.number for row in parsed.rows] == [2, 4]
    assert parsed.rows[0].raw == {"name": "华远科技", "city": "上海", "备注": "老客户介绍", "column 4": "x"}
    assert parsed.rows[1].raw == {"name": "星河物流", "city": ""}


def test_title_rows_above_the_headings_are_skipped_and_row_numbers_follow_the_file():
    content = csv_bytes([["2026 年华东制造业企业名录"], [], ["名称", "城市"], ["华远科技", "上海"]])
    parsed = import_parse(content=content, file_name="x.csv")
    assert parsed.rows[0].number == 4
    assert parsed.rows[0].data == {"name": "华远科技", "city": "上海"}


def test_semicolon_and_tab_separated_files_are_read():
    for delimiter in (";", "\t"):
        content = f"名称{delimiter}城市\n华远科技{delimiter}上海\n".encode()
        assert import_parse(content=content, file_name="x.csv").rows[0].data == {"name": "华远科技", "city": "上海"}


@pytest.mark.parametrize("content", [
    "客户名称,城市\n华远科技,上海\n".encode("utf-16"),  # UTF-16 with BOM
    "name,city\nCafé Müller,Zürich\n".encode("latin-1"),
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00\x00",  # an old .xls renamed to .csv
])
def test_text_that_is_neither_utf8_nor_gbk_is_refused(content):
    with pytest.raises(imports.ImportFileError, match="UTF-8"):
        import_parse(content=content, file_name="x.csv")


def test_utf8_with_bom_and_gb18030_are_read():
    rows = [["客户名称", "城市"], ["华远智能科技有限公司", "上海"]]
    for encoding in ("utf-8-sig", "gbk", "gb18030"):
        parsed = import_parse(content=csv_bytes(rows, encoding), file_name="x.csv")
        assert parsed.rows[0].data == {"name": "华远智能科技有限公司", "city": "上海"}


# --- Running a batch -------------------------------------------------------------------------

def test_a_file_with_bad_rows_takes_the_good_ones_and_reports_the_others(owner, outsider, english):
    existing = Customer.objects.create(name="北京京能电力股份有限公司", credit_code=CODE_EXISTING, owner=outsider)
    similar = Customer.objects.create(name="上海华远智能科技有限公司", city="上海", owner=outsider)
    content = csv_bytes([
        ["客户名称", "统一社会信用代码", "城市", "电话", "备注"],
        ["星河物流有限公司", CODE_A, "深圳", "0755-12345678", ""],           # 2 created
        ["", code("91310000MA1FL0009"), "上海", "", "缺名称"],                 # 3 missing name
        ["远航船舶有限公司", BAD_CODE, "大连", "", ""],                          # 4 wrong check digit
        ["星河物流（深圳）", CODE_A, "深圳", "", "同一代码"],                     # 5 duplicate of 2 by code
        ["星河物流股份有限公司", "", "", "", "同名"],                             # 6 duplicate of 2 by name
        ["京能电力", CODE_EXISTING, "北京", "010-88886666", ""],               # 7 matches an existing customer
        ["上海华远智能科技发展有限公司", "", "上海", "", ""],                       # 8 probable match: review
        ["东方精密机械有限公司", CODE_B, "苏州", "", "老客户介绍"],                 # 9 created
    ])
    batch = run(make_batch(owner, content))

    assert batch.status == ImportStatus.DONE
    assert batch.error == ""
    assert (batch.total_rows, batch.processed_rows) == (8, 8)
    assert (batch.created_count, batch.matched_count, batch.review_count, batch.error_count) == (2, 1, 1, 2)
    assert imports.import_batch_duplicates(batch) == 2
    report = by_row(batch)
    assert {row: entry["outcome"] for row, entry in report.items()} == {
        2: "created", 3: "error", 4: "error", 5: "duplicate", 6: "duplicate", 7: "matched", 8: "review",
        9: "created",
    }
    created = Customer.objects.get(credit_code=CODE_A)
    assert report[2]["customer"] == created.pk
    assert created.owner == owner and created.source == Source.PURCHASED
    assert "name" in report[3]["message"].lower()
    assert "check digit" in report[4]["message"]
    assert report[5] == {"row": 5, "outcome": "duplicate", "customer": created.pk, "name": "星河物流（深圳）",
                         "message": "Duplicate of row 2 (same credit code); not imported again."}
    assert "row 2 (same name)" in report[6]["message"]
    assert report[7]["customer"] == existing.pk
    assert report[8]["customer"] is None and "score" in report[8]["message"]

    # Good rows in, bad rows nowhere: only the two new companies exist, nothing of rows 3-6.
    assert set(Customer.objects.values_list("name", flat=True)) == {
        existing.name, similar.name, "星河物流有限公司", "东方精密机械有限公司"}
    intakes = {i.row_number: i for i in CustomerIntake.objects.filter(batch=batch)}
    assert set(intakes) == {2, 7, 8, 9}
    assert intakes[7].outcome == IntakeOutcome.MATCHED and intakes[7].customer == existing
    assert intakes[8].outcome == IntakeOutcome.REVIEW and intakes[8].candidates[0]["id"] == similar.pk
    assert intakes[9].raw_data == {"name": "东方精密机械有限公司", "credit_code": CODE_B, "city": "苏州", "phone": "",
                                   "备注": "老客户介绍"}
    existing.refresh_from_db()
    assert existing.phone == "010-88886666"  # the match filled an empty field


def test_a_row_that_fails_halfway_is_rolled_back_alone(owner, monkeypatch, english):
    from accounts import services

    original = services.customer_suggest_tier

    def classify(*, customer, rules):
        if customer.name == "坏行有限公司":
            raise DomainError("classification refused")
        return original(customer=customer, rules=rules)

    monkeypatch.setattr(services, "customer_suggest_tier", classify)
    content = csv_bytes([["名称"], ["好行一有限公司"], ["坏行有限公司"], ["好行二有限公司"]])
    batch = run(make_batch(owner, content))

    assert batch.status == ImportStatus.DONE
    assert [e["outcome"] for e in batch.report] == ["created", "error", "created"]
    assert batch.report[1]["message"] == "classification refused"
    # The customer row 3 had already written was rolled back with its intake.
    assert not Customer.objects.filter(name="坏行有限公司").exists()
    assert sorted(CustomerIntake.objects.filter(batch=batch).values_list("row_number", flat=True)) == [2, 4]


def test_an_unexpected_error_fails_the_batch_and_keeps_the_rows_before_it(owner, monkeypatch, english):
    from accounts import services

    original = services.customer_suggest_tier

    def classify(*, customer, rules):
        if customer.name == "第三家有限公司":
            raise RuntimeError("disk on fire")
        return original(customer=customer, rules=rules)

    monkeypatch.setattr(services, "customer_suggest_tier", classify)
    content = csv_bytes([["名称"], ["第一家有限公司"], ["第二家有限公司"], ["第三家有限公司"], ["第四家有限公司"]])
    batch = run(make_batch(owner, content))

    assert batch.status == ImportStatus.FAILED
    assert "row 4" in batch.error and "RuntimeError: disk on fire" in batch.error
    assert batch.finished_at is not None
    assert [(e["row"], e["outcome"]) for e in batch.report] == [(2, "created"), (3, "created"), (4, "error")]
    assert (batch.processed_rows, batch.created_count, batch.error_count) == (3, 2, 1)
    assert set(Customer.objects.values_list("name", flat=True)) == {"第一家有限公司", "第二家有限公司"}


def test_a_file_in_a_wrong_encoding_fails_the_batch_with_a_clear_error(owner, english):
    batch = run(make_batch(owner, "客户名称\n华远科技\n".encode("utf-16")))
    assert batch.status == ImportStatus.FAILED
    assert "neither UTF-8 nor GBK" in batch.error
    assert batch.report == [] and batch.processed_rows == 0
    assert not Customer.objects.exists()


def test_a_file_without_a_name_column_fails_the_batch(owner, english):
    batch = run(make_batch(owner, csv_bytes([["联系人", "电话"], ["王经理", "13800138000"]])))
    assert batch.status == ImportStatus.FAILED
    assert "No column with the customer's name" in batch.error
    assert "联系人, 电话" in batch.error
    assert not Customer.objects.exists()


def test_a_broken_excel_file_fails_the_batch(owner, english):
    batch = run(make_batch(owner, b"PK\x03\x04 not really a zip", name="list.xlsx"))
    assert batch.status == ImportStatus.FAILED
    assert "Excel" in batch.error


def test_a_gbk_csv_from_chinese_excel_is_imported(owner):
    content = csv_bytes([["客户名称", "省份", "城市", "员工人数"],
                         ["华东重型机械制造有限公司", "江苏", "南京", "1,200"]], encoding="gbk")
    batch = run(make_batch(owner, content))
    assert batch.status == ImportStatus.DONE and batch.created_count == 1
    customer = Customer.objects.get()
    assert (customer.name, customer.province, customer.city, customer.employees) == (
        "华东重型机械制造有限公司", "江苏", "南京", 1200)


def test_an_xlsx_file_is_imported(owner):
    content = xlsx_bytes([
        ["Purchased list, March"],
        ["Name", "Credit code", "City", "Phone", "Employees", "Annual revenue", "Sales rep"],
        ["Acme Robotics Co., Ltd.", CODE_B, "Suzhou", 51288886666, 350.0, 125000000.5, "Li"],
        [None, None, None, None, None, None, None],
        ["星河物流有限公司", None, "深圳", None, None, None, None],
    ])
    batch = run(make_batch(owner, content, name="list.xlsx"))
    assert batch.status == ImportStatus.DONE, batch.error
    assert [(e["row"], e["outcome"]) for e in batch.report] == [(3, "created"), (5, "created")]
    acme = Customer.objects.get(credit_code=CODE_B)
    assert (acme.name, acme.city, acme.phone, acme.employees) == ("Acme Robotics Co., Ltd.", "Suzhou", "51288886666",
                                                                 350)
    assert str(acme.annual_revenue) == "125000000.50"
    assert CustomerIntake.objects.get(customer=acme).raw_data["Sales rep"] == "Li"


def test_the_job_run_twice_processes_the_batch_once(owner):
    batch = make_batch(owner, csv_bytes([["名称"], ["华远科技有限公司"], ["星河物流有限公司"]]))
    tasks.import_batch_run(batch.pk)
    tasks.import_batch_run(batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DONE
    assert batch.created_count == 2 and len(batch.report) == 2
    assert Customer.objects.count() == 2
    assert CustomerIntake.objects.filter(batch=batch).count() == 2
    assert imports.import_batch_process(batch_id=batch.pk) is None


def test_a_batch_already_claimed_by_another_worker_is_left_alone(owner):
    batch = make_batch(owner, csv_bytes([["名称"], ["华远科技有限公司"]]))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING)
    assert imports.import_batch_process(batch_id=batch.pk) is None
    assert not Customer.objects.exists()


def test_progress_is_saved_once_per_chunk_while_the_job_runs(owner, monkeypatch):
    monkeypatch.setattr(imports, "ROWS_PER_COMMIT", 2)
    monkeypatch.setattr(imports, "ROWS_PER_COMMIT_SQLITE", 2)
    seen = []
    original = imports._Run.take_chunk

    def take_chunk(run, rows):
        row = ImportBatch.objects.get(pk=run.batch.pk)
        seen.append((row.status, row.total_rows, row.processed_rows, row.created_count, len(rows)))
        return original(run, rows)

    monkeypatch.setattr(imports._Run, "take_chunk", take_chunk)
    batch = run(make_batch(owner, csv_bytes([["名称"]] + [[f"测试企业{n:02d}有限公司"] for n in range(5)])))
    assert seen == [("running", 5, 0, 0, 2), ("running", 5, 2, 2, 2), ("running", 5, 4, 4, 1)]
    assert (batch.status, batch.processed_rows, batch.created_count, batch.percent) == ("done", 5, 5, 100)


# --- Upload ----------------------------------------------------------------------------------

def test_upload_stores_the_file_and_starts_the_job_after_commit(client, owner, django_capture_on_commit_callbacks):
    client.force_login(owner)
    upload = SimpleUploadedFile("华东名录.csv", csv_bytes([["名称"], ["华远科技有限公司"]]), content_type="text/csv")
    with mock.patch.object(tasks.import_batch_run, "apply_async") as apply_async:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = client.post(reverse("accounts:import-new"), {"source": "channel", "file": upload})
        batch = ImportBatch.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:import-detail", args=[batch.pk])
        job = Job.objects.get()  # the job is a row of the upload's transaction
        assert (job.task, job.args, job.state) == ("accounts.import_batch_run", [batch.pk], JobState.PENDING)
        assert apply_async.call_count == 0  # nothing before the commit
        assert len(callbacks) == 1
        callbacks[0]()
        apply_async.assert_called_once_with(args=[batch.pk], kwargs={}, task_id=str(job.pk), retry=False)
    job.refresh_from_db()
    assert job.state == JobState.QUEUED
    assert (batch.status, batch.source, batch.original_name, batch.created_by) == (
        ImportStatus.PENDING, Source.CHANNEL, "华东名录.csv", owner)
    assert batch.file.read() == csv_bytes([["名称"], ["华远科技有限公司"]])
    assert not Customer.objects.exists()


@pytest.mark.parametrize(("name", "size_limit", "expected"), [
    ("list.xls", None, ".csv or .xlsx"),
    ("list.csv", 10, "the limit is"),
])
def test_upload_refuses_other_files_and_large_files(client, owner, english, monkeypatch, name, size_limit, expected,
                                                    django_capture_on_commit_callbacks):
    if size_limit:
        monkeypatch.setattr(imports, "IMPORT_MAX_BYTES", size_limit)
    client.force_login(owner)
    upload = SimpleUploadedFile(name, b"name\nabcdefghijk\n")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("accounts:import-new"), {"source": "purchased", "file": upload})
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not ImportBatch.objects.exists() and not callbacks


def test_upload_form_page(client, owner):
    client.force_login(owner)
    response = client.get(reverse("accounts:import-new"))
    assert response.status_code == 200
    assert 'accept=".csv,.xlsx"' in response.content.decode()


# --- Pages and visibility --------------------------------------------------------------------

@pytest.fixture
def done_batch(owner, outsider, english):
    Customer.objects.create(name="北京京能电力股份有限公司", credit_code=CODE_EXISTING, owner=outsider)
    content = csv_bytes([["客户名称", "统一社会信用代码"], ["星河物流有限公司", CODE_A],
                         ["=HYPERLINK(\"x\")", BAD_CODE], ["京能电力", CODE_EXISTING]])
    return run(make_batch(owner, content))


@pytest.mark.parametrize("page", ["import-detail", "import-progress", "import-report"])
@pytest.mark.parametrize(("person", "status"), [
    ("owner", 200), ("manager", 200), ("admin_user", 200), ("teammate", 404), ("outsider", 404),
])
def test_who_sees_a_batch(client, request, done_batch, page, person, status):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse(f"accounts:{page}", args=[done_batch.pk])).status_code == status


@pytest.mark.parametrize("page", ["import-list", "import-new", "import-template"])
def test_anonymous_visitors_are_sent_to_sign_in(client, page):
    response = client.get(reverse(f"accounts:{page}"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("page", ["import-detail", "import-progress", "import-report"])
def test_anonymous_visitors_are_sent_to_sign_in_from_a_batch(client, done_batch, page):
    response = client.get(reverse(f"accounts:{page}", args=[done_batch.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_list_shows_visible_batches_only(client, owner, manager, outsider, django_assert_max_num_queries):
    mine = [make_batch(owner, b"name\nx\n", name=f"mine-{n}.csv") for n in range(3)]
    make_batch(outsider, b"name\nx\n", name="theirs.csv")
    client.force_login(manager)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:import-list"))
    html = response.content.decode()
    assert all(batch.original_name in html for batch in mine)
    assert "theirs.csv" not in html
    client.force_login(outsider)
    html = client.get(reverse("accounts:import-list")).content.decode()
    assert "theirs.csv" in html and "mine-0.csv" not in html


def test_the_detail_page_shows_the_report_without_leaking_other_teams_customers(client, owner, done_batch):
    client.force_login(owner)
    html = client.get(reverse("accounts:import-detail", args=[done_batch.pk])).content.decode()
    assert "星河物流有限公司" in html
    assert "a customer you cannot see" in html
    assert "北京京能电力股份有限公司" not in html  # the matched customer belongs to another team
    assert "hx-trigger" not in html  # finished: no polling
    filtered = client.get(reverse("accounts:import-detail", args=[done_batch.pk]), {"outcome": "error"})
    assert "check digit" in filtered.content.decode() and "星河物流有限公司" not in filtered.content.decode()


def test_the_progress_partial_polls_while_running_and_asks_for_a_reload_when_done(client, owner):
    batch = make_batch(owner, b"name\nx\n")
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING, total_rows=200, processed_rows=50)
    client.force_login(owner)
    url = reverse("accounts:import-progress", args=[batch.pk])
    response = client.get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'hx-trigger="every 1s"' in html and f'hx-get="{url}"' in html
    assert 'value="25"' in html and "HX-Refresh" not in response
    assert 'style="' not in html
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.DONE, processed_rows=200)
    response = client.get(url, headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"
    assert "hx-trigger" not in response.content.decode()


def test_the_detail_page_polls_while_pending(client, owner):
    batch = make_batch(owner, b"name\nx\n")
    client.force_login(owner)
    html = client.get(reverse("accounts:import-detail", args=[batch.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert reverse("accounts:import-report", args=[batch.pk]) not in html


def test_the_report_csv(client, owner, done_batch):
    client.force_login(owner)
    response = client.get(reverse("accounts:import-report", args=[done_batch.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="import-{done_batch.pk}-report.csv"' in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    created = Customer.objects.get(credit_code=CODE_A)
    assert rows[0] == ["Row", "Outcome", "Name in the file", "Customer ID", "Customer", "Message"]
    assert rows[1][:5] == ["2", "Created", "星河物流有限公司", str(created.pk), "星河物流有限公司"]
    assert rows[2][:5] == ["3", "Rejected", "'=HYPERLINK(\"x\")", "", ""]  # not run as a formula
    assert "check digit" in rows[2][5]
    assert rows[3][:5] == ["4", "Matched", "京能电力", "", ""]  # another team's customer stays anonymous
    assert len(rows) == 4


def test_the_manager_sees_the_customer_the_report_points_to(client, manager, done_batch):
    client.force_login(manager)
    rows = list(csv.reader(io.StringIO(
        client.get(reverse("accounts:import-report", args=[done_batch.pk])).content.decode("utf-8-sig"))))
    assert rows[1][4] == "星河物流有限公司"


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_templates_read_back_into_every_field(client, owner, language):
    owner.language = language
    owner.save(update_fields=["language"])
    client.force_login(owner)
    content = client.get(reverse("accounts:import-template")).content
    assert content.startswith(b"\xef\xbb\xbf")
    assert set(import_parse(content=content + "华远科技\n".encode(), file_name="t.csv").columns) == set(CUSTOMER_FIELDS)
    workbook = client.get(reverse("accounts:import-template"), {"format": "xlsx"}).content
    headings = [cell.value for cell in load_workbook(io.BytesIO(workbook)).active[1]]
    parsed = import_parse(content=xlsx_bytes([headings, ["华远科技"]]), file_name="t.xlsx")
    assert set(parsed.columns) == set(CUSTOMER_FIELDS)
    if language == "zh-hans":
        assert headings[0] == "客户名称"


def test_report_outcomes_are_the_intake_outcomes_plus_two():
    assert set(ReportOutcome.values) == {*IntakeOutcome.values, "duplicate", "error"}


@pytest.mark.django_db(transaction=True)
def test_rows_before_an_unexpected_error_are_really_committed(monkeypatch):
    """With real commits (no test transaction around it): the committed rows and the report agree."""
    from accounts import services
    from tests.factories import UserFactory

    importer = UserFactory(username="importer", language="en")
    monkeypatch.setattr(imports, "ROWS_PER_COMMIT", 2)
    monkeypatch.setattr(imports, "ROWS_PER_COMMIT_SQLITE", 2)
    original = services.customer_suggest_tier

    def classify(*, customer, rules):
        if customer.name == "第四家有限公司":
            raise RuntimeError("disk on fire")
        return original(customer=customer, rules=rules)

    monkeypatch.setattr(services, "customer_suggest_tier", classify)
    names = ["第一家有限公司", "第二家有限公司", "第三家有限公司", "第四家有限公司", "第五家有限公司"]
    batch = run(make_batch(importer, csv_bytes([["名称"]] + [[name] for name in names])))
    assert batch.status == ImportStatus.FAILED and "row 5" in batch.error
    assert set(Customer.objects.values_list("name", flat=True)) == set(names[:3])
    assert [e["row"] for e in batch.report if e["outcome"] == "created"] == [2, 3, 4]
    assert sorted(CustomerIntake.objects.values_list("row_number", flat=True)) == [2, 3, 4]
