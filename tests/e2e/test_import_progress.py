"""Journey: a 2,000-row customer file uploaded as on `make run` (a real worker on the embedded broker) answers at
once with the import's page, whose progress bar moves without a reload until the report shows."""

from __future__ import annotations

import re
import time

import pytest
from django.db import connection
from playwright.sync_api import expect

from accounts.models import ImportBatch
from tests.accounts.test_import import csv_bytes
from tests.celery_broker import embedded_worker
from tests.e2e.test_customers import sign_in
from tests.factories import ManagerFactory, OrgUnitFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROWS = 2000


def test_uploading_2000_rows_shows_the_progress_bar_move_then_the_report(page, live_server, tmp_path):
    if connection.vendor == "sqlite":
        # The test database on SQLite is in memory, shared by threads with table locks (no WAL, no busy
        # timeout): the web server's and the worker's threads would refuse each other. make run's file is WAL.
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://..., as CI runs it)")
    team = OrgUnitFactory(name="上海大客户一组")
    UserFactory(username="zhangwei", org_unit=team, manager=ManagerFactory(username="liqiang", org_unit=team))
    upload = tmp_path / "客户名录.csv"
    rows = [[f"华东{number:04d}精密制造有限公司", "苏州"] for number in range(ROWS)]
    upload.write_bytes(csv_bytes([["客户名称", "城市"], *rows]))
    with embedded_worker(tmp_path):
        sign_in(page, live_server, "zhangwei")
        page.goto(f"{live_server.url}/customers/imports/new/")
        page.get_by_test_id("import-file").set_input_files(str(upload))
        page.get_by_test_id("import-submit").click()
        expect(page.get_by_test_id("import-progress")).to_be_visible()
        seen: set[int] = set()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not page.get_by_test_id("report-table").count():
            text = page.get_by_test_id("import-percent").text_content() or ""
            if match := re.match(r"(\d+)%", text.strip()):
                seen.add(int(match.group(1)))
            page.wait_for_timeout(200)
        expect(page.get_by_test_id("report-table")).to_be_visible()
    moving = sorted(value for value in seen if 0 < value < 100)
    assert len(moving) >= 2, seen  # the bar moved on the page, in steps, without a reload
    expect(page.get_by_test_id("import-status")).to_have_text(re.compile("完成"))
    batch = ImportBatch.objects.get()  # similar names may go to review: every row is in the report
    assert (batch.processed_rows, len(batch.report)) == (ROWS, ROWS)
    assert page.console_errors == []
