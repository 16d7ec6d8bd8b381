"""The embedded default runs its jobs like production: a real Celery worker on the embedded broker (kombu's
SQLAlchemy transport on a SQLite file, as `make run` uses) takes an uploaded import. The upload answers
before the import has finished; the worker writes the progress as it goes and the complete report at the
end."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import imports
from accounts.models import Customer, ImportBatch, ImportStatus
from crm.models import Job, JobState
from tests.accounts.test_import import csv_bytes
from tests.celery_broker import embedded_worker

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 200


@pytest.fixture
def worker(tmp_path):
    with embedded_worker(tmp_path) as running:
        yield running


def test_an_upload_returns_at_once_and_a_real_worker_imports_it_with_progress(client, owner, worker,
                                                                              monkeypatch):
    # Chunks of 20 rows on either database, so that the progress moves several times in a small file.
    monkeypatch.setattr(imports, "ROWS_PER_COMMIT", 20)
    monkeypatch.setattr(imports, "ROWS_PER_COMMIT_SQLITE", 20)
    client.force_login(owner)
    rows = [["客户名称", "城市"]] + [[f"远航{number:04d}科技有限公司", "上海"] for number in range(ROWS)]
    upload = SimpleUploadedFile("名录.csv", csv_bytes(rows))

    response = client.post(reverse("accounts:import-new"), {"source": "purchased", "file": upload})

    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.status != ImportStatus.DONE  # the request did not run the import
    seen_progress = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if batch.status == ImportStatus.RUNNING:
            seen_progress.add(batch.processed_rows)
        if batch.status in (ImportStatus.DONE, ImportStatus.FAILED):
            break
        time.sleep(0.05)
    assert batch.status == ImportStatus.DONE, batch.error
    # Progress was written chunk by chunk while it ran, not only at the end.
    assert any(0 < done < ROWS for done in seen_progress), seen_progress
    assert (batch.total_rows, batch.processed_rows, batch.created_count) == (ROWS, ROWS, ROWS)
    assert [entry["row"] for entry in batch.report] == list(range(2, ROWS + 2))
    assert {entry["outcome"] for entry in batch.report} == {"created"}
    assert Customer.objects.count() == ROWS
    # The worker marks its job done just after the import's last commit: wait for that too.
    job = Job.objects.get(task="accounts.import_batch_run")
    while job.state == JobState.RUNNING and time.monotonic() < deadline:
        time.sleep(0.05)
        job.refresh_from_db()
    assert (job.state, job.attempts, job.args) == (JobState.DONE, 1, [batch.pk])
