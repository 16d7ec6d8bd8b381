"""An import's page shows its speed and the time left while it runs, and a cancel button: a cancelled import
stops before its next chunk, keeps the rows already committed and lists them in its report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import imports
from accounts.models import Customer, ImportBatch, ImportStatus
from crm.errors import DomainError
from tests.accounts.test_import import csv_bytes, make_batch

pytestmark = pytest.mark.django_db

ROWS = 35


def names_file(rows: int = ROWS) -> bytes:
    return csv_bytes([["客户名称"]] + [[f"启明{number:03d}信息技术有限公司"] for number in range(rows)])


def test_a_running_import_cancelled_stops_before_its_next_chunk_and_reports_what_went_in(owner, monkeypatch):
    monkeypatch.setattr(imports, "ROWS_PER_COMMIT", 10)
    monkeypatch.setattr(imports, "ROWS_PER_COMMIT_SQLITE", 10)
    batch = make_batch(owner, names_file())
    checkpoint, chunks = imports._Run.checkpoint, []

    def cancel_before_the_third_chunk(run):
        chunks.append(run)
        if len(chunks) == 3:  # what the cancel button does from another request, between two chunks
            imports.import_batch_cancel(batch=batch, by=owner)
        return checkpoint(run)

    monkeypatch.setattr(imports._Run, "checkpoint", cancel_before_the_third_chunk)
    imports.import_batch_process(batch_id=batch.pk)

    batch.refresh_from_db()
    assert (batch.status, batch.total_rows, batch.processed_rows, batch.created_count) == (
        ImportStatus.CANCELLED, ROWS, 20, 20)
    assert [entry["row"] for entry in batch.report] == list(range(2, 22))  # the third chunk left nothing
    assert Customer.objects.count() == 20
    assert len(chunks) == 3


def test_a_waiting_import_cancelled_never_runs_and_a_finished_one_cannot_be(owner, outsider):
    batch = make_batch(owner, names_file(3))
    with pytest.raises(imports.PermissionDenied):
        imports.import_batch_cancel(batch=batch, by=outsider)
    imports.import_batch_cancel(batch=batch, by=owner)
    assert imports.import_batch_process(batch_id=batch.pk) is None
    assert Customer.objects.count() == 0
    with pytest.raises(DomainError, match="导入已经结束"):
        imports.import_batch_cancel(batch=batch, by=owner)


def test_speed_and_time_left_follow_the_progress(owner):
    started = timezone.now() - timedelta(seconds=10)
    batch = ImportBatch(status=ImportStatus.RUNNING, total_rows=1000, processed_rows=250, started_at=started,
                        progress_at=started + timedelta(seconds=5), created_by=owner)
    assert (batch.rows_per_second, batch.seconds_left) == (50, 15)
    batch.processed_rows = 0
    assert (batch.rows_per_second, batch.seconds_left) == (None, None)
    batch.status, batch.processed_rows = ImportStatus.DONE, 1000
    assert batch.seconds_left is None


def test_the_progress_shows_speed_time_left_and_the_cancel_button_which_the_owner_may_press(client, owner,
                                                                                           outsider):
    started = timezone.now() - timedelta(seconds=10)
    batch = make_batch(owner, names_file())
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING, total_rows=1000, processed_rows=250,
                                                   started_at=started, progress_at=started + timedelta(seconds=5))
    client.force_login(owner)
    html = client.get(reverse("accounts:import-progress", args=[batch.pk])).content.decode()
    assert "每秒 50 行" in html and "约 15 秒" in html
    assert 'data-testid="import-cancel"' in html

    client.force_login(outsider)
    assert client.post(reverse("accounts:import-cancel", args=[batch.pk])).status_code == 404
    client.force_login(owner)
    response = client.post(reverse("accounts:import-cancel", args=[batch.pk]), follow=True)
    assert response.status_code == 200
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CANCELLED
    html = response.content.decode()
    assert 'data-testid="import-cancelled"' in html and 'data-testid="import-cancel"' not in html
    again = client.post(reverse("accounts:import-cancel", args=[batch.pk]), follow=True).content.decode()
    assert "导入已经结束" in again  # "the import has already finished", not an error page
