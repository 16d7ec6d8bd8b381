"""The batched import path: the same outcomes as one row at a time, assignment across a batch,
near-duplicates inside a chunk, the trigram table kept in sync, stuck batches, review links."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts import imports, services, tasks
from accounts.matching import Incoming, customer_match_candidates, needs_trigram_search, trigram_only_ceiling
from accounts.models import (
    Customer,
    CustomerIntake,
    CustomerName,
    ImportBatch,
    ImportStatus,
    IntakeOutcome,
    IntakeStatus,
    Tier,
    TierChange,
)
from crm.errors import DomainError
from crm.stored_text import render, render_all
from teams.models import AssignmentRule, AssignmentStrategy, Notification, Territory
from tests.accounts.test_import import BAD_CODE, CODE_A, CODE_B, CODE_EXISTING, by_row, code, csv_bytes, make_batch, run
from tests.factories import CustomerFactory, ManagerFactory, OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


@pytest.fixture
def english(owner, teammate, outsider):
    for person in (owner, teammate, outsider):
        person.language = "en"
        person.save(update_fields=["language"])


def row_by_row(monkeypatch) -> None:
    """Make every chunk fail, so that the import takes each row alone through customer_intake."""

    def failing(run, rows):
        raise RuntimeError("row by row, please")

    monkeypatch.setattr(imports._Run, "take_chunk", failing)


def outcome_snapshot(batch: ImportBatch) -> dict:
    """What an import did, by names (ids differ between two runs), its texts read in English."""
    with translation.override("en"):
        return _snapshot(batch)


def _snapshot(batch: ImportBatch) -> dict:
    names = dict(Customer.objects.values_list("pk", "name"))
    report = [(e["row"], e["outcome"], names.get(e["customer"]), render(e["message"]), bool(e.get("intake")))
              for e in batch.report]
    customers = sorted(Customer.objects.values_list("name", "owner__username", "tier", "tier_score", "city",
                                                    "phone", "credit_code"))
    intakes = sorted(
        (i.row_number, i.outcome, i.status, i.customer.name if i.customer else None,
         tuple((names.get(c["id"]), c["score"], tuple(render_all(c["reasons"]))) for c in i.candidates),
         tuple(i.raw_data.items()))
        for i in CustomerIntake.objects.filter(batch=batch).select_related("customer")
    )
    history = sorted(Customer.history.values_list("name", "history_type", "owner_id"))
    return {
        "counts": (batch.status, batch.processed_rows, batch.created_count, batch.matched_count, batch.review_count,
                   batch.error_count, imports.import_batch_duplicates(batch)),
        "report": report, "customers": customers, "intakes": intakes, "history_rows": len(history),
        "names": sorted(CustomerName.objects.values_list("normalized_name", flat=True)),
        "tier_changes": sorted(TierChange.objects.values_list("customer__name", "old_tier", "new_tier")),
        "notifications": sorted((note.recipient.username, note.text)
                                for note in Notification.objects.select_related("recipient")),
    }


MIXED = [
    ["客户名称", "统一社会信用代码", "城市", "电话", "员工人数", "行业", "备注"],
    ["星河物流有限公司", CODE_A, "深圳", "0755-12345678", "", "交通", ""],          # 2 created
    ["", code("91310000MA1FL0009"), "上海", "", "", "", "缺名称"],                    # 3 rejected: no name
    ["远航船舶有限公司", BAD_CODE, "大连", "", "", "", ""],                             # 4 rejected: check digit
    ["京能电力", CODE_EXISTING, "北京", "010-88886666", "", "", ""],                  # 5 matched (code)
    ["上海华远智能科技发展有限公司", "", "上海", "", "", "", ""],                          # 6 review (existing)
    ["星河物流（深圳）", CODE_A, "深圳", "", "", "", ""],                                 # 7 duplicate of 2 (code)
    ["星河物流发展有限公司", "", "深圳", "", "", "", ""],                                 # 8 review: near row 2
    ["星河物流集团发展有限公司", "", "深圳", "0755 1234 5678", "", "", ""],                # 9 matched: row 2 (phone)
    ["东方精密机械有限公司", CODE_B, "苏州", "", "5000", "能源", "老客户介绍"],             # 10 created, key tier
    ["东方精密机械股份有限公司", "", "", "", "", "", ""],                                  # 11 duplicate of 10 (name)
    ["北方重工集团", "", "沈阳", "", "约两百人", "", ""],                                  # 12 rejected: employees
    ["南方电网数据服务有限公司", "", "广州", "020-38120000", "", "", ""],                  # 13 created
]


@pytest.fixture
def existing(outsider):
    return {
        "coded": Customer.objects.create(name="北京京能电力股份有限公司", credit_code=CODE_EXISTING, owner=outsider),
        "similar": Customer.objects.create(name="上海华远智能科技有限公司", city="上海", owner=outsider),
    }


def test_a_mixed_file_gives_the_same_outcomes_in_chunks_as_row_by_row(owner, teammate, existing, english, monkeypatch):
    AssignmentRule.objects.create(name="energy", order=1, industries=["能源"], strategy=AssignmentStrategy.USER,
                                  user=teammate)
    monkeypatch.setattr(imports, "ROWS_PER_COMMIT_SQLITE", 50)
    monkeypatch.setattr(imports, "ROWS_PER_COMMIT", 50)
    with pytest.raises(Rollback), transaction.atomic():
        batched = outcome_snapshot(run(make_batch(owner, csv_bytes(MIXED))))
        raise Rollback
    with monkeypatch.context() as patched:
        row_by_row(patched)
        single = outcome_snapshot(run(make_batch(owner, csv_bytes(MIXED))))

    assert batched == single
    outcomes = {row: outcome for row, outcome, *_rest in batched["report"]}
    assert outcomes == {2: "created", 3: "error", 4: "error", 5: "matched", 6: "review", 7: "duplicate",
                        8: "review", 9: "matched", 10: "created", 11: "duplicate", 12: "error", 13: "created"}
    report = {row: rest for row, *rest in batched["report"]}
    assert report[8][1] is None and report[8][3] is True  # waits in the review queue, linked from the report
    assert report[9][1] == "星河物流有限公司"  # matched to the customer row 2 created in the same chunk
    assert batched["counts"] == ("done", 12, 3, 2, 2, 3, 2)
    customers = {name: rest for name, *rest in batched["customers"]}
    assert tuple(customers["东方精密机械有限公司"][:3]) == ("teammate", Tier.KEY, 60)  # the rule; 5,000 staff, energy
    assert customers["星河物流有限公司"][0] == "owner"
    assert batched["notifications"] == [("teammate", "New customer assigned to you: 东方精密机械有限公司")]
    review = {row: candidates for row, _o, _s, _c, candidates, _raw in batched["intakes"]}
    assert review[8][0][0] == "星河物流有限公司"  # the candidate is the customer created earlier in the chunk


def test_one_chunk_costs_a_constant_number_of_queries(owner, monkeypatch):
    monkeypatch.setattr(imports, "ROWS_PER_COMMIT_SQLITE", 100)
    monkeypatch.setattr(imports, "ROWS_PER_COMMIT", 100)
    counts = []
    for size in (5, 20):  # under SQLite's 999 parameters per INSERT
        start = 0x4E00 + size * 300  # names with nothing in common but the suffix: all new
        rows = [["名称", "城市"]] + [[f"{chr(start + 3 * n)}{chr(start + 3 * n + 1)}{chr(start + 3 * n + 2)}有限公司",
                                     "上海"] for n in range(size)]
        batch = make_batch(owner, csv_bytes(rows))
        with CaptureQueriesContext(connection) as queries:
            batch = run(batch)
        assert batch.created_count == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_round_robin_takes_turns_across_a_batch_and_the_next(owner, monkeypatch):
    monkeypatch.setattr(imports, "ROWS_PER_COMMIT_SQLITE", 3)  # turns carry over between chunks too
    team = OrgUnitFactory(name="华东大客户组")
    boss = ManagerFactory(org_unit=team)
    people = [UserFactory(username=f"am{i}", org_unit=team, manager=boss) for i in range(3)]
    rule = AssignmentRule.objects.create(name="rr", order=1, strategy=AssignmentStrategy.ROUND_ROBIN, org_unit=team)
    batch = run(make_batch(owner, csv_bytes([["名称"]] + [[f"轮流分配{n}号有限公司"] for n in "一二三四五"])))
    owners = [Customer.objects.get(pk=e["customer"]).owner for e in batch.report]
    assert owners == [people[0], people[1], people[2], people[0], people[1]]
    rule.refresh_from_db()
    assert rule.last_assigned == people[1]
    assert services.customer_pick_owner(customer=CustomerFactory.build()) == people[2]


def test_fewest_customers_counts_the_customers_the_batch_gives(owner):
    team = OrgUnitFactory(name="华南组")
    boss = ManagerFactory(org_unit=team)
    people = [UserFactory(username=f"few{i}", org_unit=team, manager=boss) for i in range(3)]
    territory = Territory.objects.create(name="华南")
    territory.members.set(people)
    CustomerFactory.create_batch(2, owner=people[0])
    CustomerFactory.create_batch(1, owner=people[2])
    AssignmentRule.objects.create(name="few", order=1, strategy=AssignmentStrategy.FEWEST_CUSTOMERS,
                                  territory=territory)
    batch = run(make_batch(owner, csv_bytes([["名称"]] + [[f"最少客户{n}号有限公司"] for n in "一二三四"])))
    owners = [Customer.objects.get(pk=e["customer"]).owner for e in batch.report]
    assert owners == [people[1], people[1], people[2], people[0]]


def test_a_near_duplicate_inside_one_chunk_is_not_created_twice(owner, english):
    batch = run(make_batch(owner, csv_bytes([
        ["名称", "城市"], ["华远智能科技有限公司", "上海"], ["华远智能科技发展有限公司", "上海"]])))
    assert [e["outcome"] for e in batch.report] == ["created", "review"]
    first = Customer.objects.get()
    intake = CustomerIntake.objects.get(row_number=3)
    assert intake.status == IntakeStatus.PENDING_REVIEW
    assert intake.candidates[0]["id"] == first.pk and intake.candidates[0]["score"] >= 60


def test_the_trigram_table_follows_create_rename_merge_and_delete(owner):
    def indexed():
        return dict(CustomerName.objects.values_list("customer_id", "normalized_name"))

    customer = services.customer_intake(source="manual", data={"name": "华远智能科技有限公司"}, by=owner).customer
    other = CustomerFactory(name="星河物流有限公司", owner=owner)
    assert indexed() == {customer.pk: "华远智能科技", other.pk: "星河物流"}
    services.customer_update(customer=customer, data={"name": "华远星辰科技有限公司"}, by=owner)
    assert indexed()[customer.pk] == "华远星辰科技"
    assert customer_match_candidates(Incoming(name="华远星辰科技"))[0].customer_id == customer.pk
    assert not [c for c in customer_match_candidates(Incoming(name="华远智能科技")) if c.customer_id == customer.pk]
    services.customer_merge(survivor=other, merged=Customer.objects.get(pk=customer.pk), by=owner)
    assert indexed() == {other.pk: "星河物流"}
    Customer.objects.get(pk=other.pk).delete()
    assert indexed() == {}


def test_a_saved_customer_without_a_rename_does_not_rewrite_its_trigram_row(owner, django_assert_num_queries):
    customer = CustomerFactory(name="华远智能科技有限公司", owner=owner)
    customer = Customer.objects.get(pk=customer.pk)
    customer.city = "上海"
    with django_assert_num_queries(2):  # the UPDATE and its history row
        customer.save()


def test_trigram_search_is_skipped_only_when_no_trigram_candidate_could_equal_the_sure_match():
    coded = Customer(name="华远智能科技有限公司", credit_code=CODE_A, city="")
    coded.refresh_keys()
    assert trigram_only_ceiling(Incoming(name="x", city="上海")) == 90
    assert trigram_only_ceiling(Incoming(name="x")) == 85
    assert trigram_only_ceiling(Incoming(name="x", phone="12345")) == 99  # a short phone: +30, not looked up
    assert not needs_trigram_search(Incoming(name="别的名字", credit_code=CODE_A), [coded])  # 100
    # Same name (90) but the incoming city could give a trigram-only candidate 85 + 5 = 90: search.
    assert needs_trigram_search(Incoming(name="华远智能科技", city="上海"), [coded])
    assert not needs_trigram_search(Incoming(name="华远智能科技"), [coded])  # 90 > 85
    assert needs_trigram_search(Incoming(name="华远智能科技"), [coded], truncated=True)


# --- Stuck batches ---------------------------------------------------------------------------

def test_a_running_batch_without_progress_is_reset_as_failed(owner, english):
    stuck = make_batch(owner, csv_bytes([["名称"], ["华远科技有限公司"]]))
    alive = make_batch(owner, csv_bytes([["名称"], ["星河物流有限公司"]]))
    waiting = make_batch(owner, csv_bytes([["名称"], ["东方机械有限公司"]]))
    long_ago = timezone.now() - timedelta(minutes=16)
    ImportBatch.objects.filter(pk=stuck.pk).update(status=ImportStatus.RUNNING, progress_at=long_ago)
    ImportBatch.objects.filter(pk=alive.pk).update(status=ImportStatus.RUNNING,
                                                   progress_at=timezone.now() - timedelta(minutes=5))
    assert tasks.import_batches_reset_stuck() == 1
    assert tasks.import_batches_reset_stuck() == 0  # safe to run twice
    stuck.refresh_from_db()
    alive.refresh_from_db()
    waiting.refresh_from_db()
    assert stuck.status == ImportStatus.FAILED and stuck.finished_at is not None
    assert "no progress for 15 minutes" in stuck.error and "upload the file again" in stuck.error
    assert (alive.status, waiting.status) == (ImportStatus.RUNNING, ImportStatus.PENDING)


def test_the_page_of_a_stuck_batch_shows_it_failed(client, owner, english):
    batch = make_batch(owner, csv_bytes([["名称"], ["华远科技有限公司"]]))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING,
                                                   progress_at=timezone.now() - timedelta(hours=1))
    client.force_login(owner)
    response = client.get(reverse("accounts:import-progress", args=[batch.pk]), headers={"HX-Request": "true"})
    assert response["HX-Refresh"] == "true"
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED


def test_a_slow_worker_whose_batch_was_reset_stops_without_overwriting_it(owner, monkeypatch, english):
    monkeypatch.setattr(imports, "ROWS_PER_COMMIT_SQLITE", 1)
    monkeypatch.setattr(imports, "ROWS_PER_COMMIT", 1)
    monkeypatch.setattr(imports, "REPORT_SAVE_EVERY", 1)
    original = imports._Run.checkpoint

    def checkpoint(run):
        if len(run.report) == 1:  # between two chunks, the reset ran: the worker looked dead
            with time_machine.travel(timezone.now() + timedelta(minutes=30)):
                assert imports.import_batches_reset_stuck() == 1
        return original(run)

    monkeypatch.setattr(imports._Run, "checkpoint", checkpoint)
    batch = run(make_batch(owner, csv_bytes([["名称"], ["第一家有限公司"], ["第二家有限公司"], ["第三家有限公司"]])))
    assert batch.status == ImportStatus.FAILED and "no progress" in batch.error
    assert batch.processed_rows == 1
    assert list(Customer.objects.values_list("name", flat=True)) == ["第一家有限公司"]
    # The error says the rows in the report went in: the report holds the row that did.
    assert [(entry["row"], entry["outcome"]) for entry in batch.report] == [(2, "created")]


def test_the_report_is_saved_every_few_rows_not_only_at_the_end(owner, monkeypatch):
    monkeypatch.setattr(imports, "ROWS_PER_COMMIT_SQLITE", 1)
    monkeypatch.setattr(imports, "ROWS_PER_COMMIT", 1)
    monkeypatch.setattr(imports, "REPORT_SAVE_EVERY", 2)
    seen = []
    original = imports._Run.save_progress

    def save_progress(run, **extra):
        original(run, **extra)
        seen.append(len(ImportBatch.objects.get(pk=run.batch.pk).report))

    monkeypatch.setattr(imports._Run, "save_progress", save_progress)
    run(make_batch(owner, csv_bytes([["名称"], *[[f"第{n}家有限公司"] for n in range(1, 6)]])))
    # Saved after rows 2 and 4, then the whole report at the end.
    assert 2 in seen and 4 in seen and seen[-1] == 5 and 1 not in seen and 3 not in seen


# --- The report ------------------------------------------------------------------------------

def test_review_rows_of_the_report_link_to_their_review_item(client, owner, outsider, english):
    CustomerFactory(name="上海华远智能科技有限公司", city="上海", owner=owner)
    batch = run(make_batch(owner, csv_bytes([["名称", "城市"], ["上海华远智能科技发展有限公司", "上海"],
                                             ["星河物流有限公司", "深圳"]])))
    intake = CustomerIntake.objects.get(outcome=IntakeOutcome.REVIEW)
    assert by_row(batch)[2]["intake"] == intake.pk and "intake" not in by_row(batch)[3]
    client.force_login(owner)
    html = client.get(reverse("accounts:import-detail", args=[batch.pk])).content.decode()
    link = f"{reverse('accounts:review-queue')}?intake={intake.pk}#intake-{intake.pk}"
    assert f'href="{link}"' in html and html.count('data-testid="report-review-link"') == 1
    queue = client.get(link).content.decode()
    assert f'id="intake-{intake.pk}"' in queue and queue.count('data-testid="review-item"') == 1
    services.intake_resolve(intake=intake, resolution="created", by=owner)
    html = client.get(reverse("accounts:import-detail", args=[batch.pk])).content.decode()
    assert 'data-testid="report-review-link"' not in html  # settled: nothing waits there any more


def test_a_failed_batch_runs_again_as_a_new_batch_of_the_same_file(client, owner, outsider, english,
                                                                   django_capture_on_commit_callbacks):
    content = csv_bytes([["名称"], ["华远科技有限公司"], ["星河物流有限公司"]])
    first = make_batch(owner, content)
    ImportBatch.objects.filter(pk=first.pk).update(status=ImportStatus.RUNNING,
                                                   progress_at=timezone.now() - timedelta(hours=1))
    Customer.objects.create(name="华远科技有限公司", owner=owner)  # what the dead worker had taken in
    url = reverse("accounts:import-rerun", args=[first.pk])
    client.force_login(outsider)
    assert client.post(url).status_code == 404
    client.force_login(owner)
    html = client.get(reverse("accounts:import-detail", args=[first.pk])).content.decode()
    assert 'data-testid="import-rerun"' in html  # the reset made it failed; it offers to run again
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    again = ImportBatch.objects.exclude(pk=first.pk).get()
    assert response["Location"] == reverse("accounts:import-detail", args=[again.pk])
    again.refresh_from_db()
    assert (again.status, again.original_name, again.created_by) == (ImportStatus.DONE, "list.csv", owner)
    assert [e["outcome"] for e in again.report] == ["matched", "created"]  # not created twice
    assert Customer.objects.filter(name="华远科技有限公司").count() == 1
    with pytest.raises(DomainError):
        imports.import_batch_rerun(batch=again, by=owner)  # only a failed one
