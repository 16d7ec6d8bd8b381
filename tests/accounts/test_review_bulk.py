"""The review queue at scale (issue 16, item 8): filters by import and by match reason, and one action that
creates all of an import's waiting records whose only evidence is weak (names alike, same city)."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.matching import REASONS, SIMILAR_NAME
from accounts.models import Customer, CustomerIntake, ImportBatch, IntakeOutcome, IntakeStatus
from crm.stored_text import Text, encode

pytestmark = pytest.mark.django_db


def waiting(batch, name: str, reasons: list[str], by, existing: Customer, row: int) -> CustomerIntake:
    return CustomerIntake.objects.create(
        source="import", raw_data={"name": name}, name=name, outcome=IntakeOutcome.REVIEW,
        status=IntakeStatus.PENDING_REVIEW, batch=batch, row_number=row, created_by=by,
        candidates=[{"id": existing.pk, "name": existing.name, "score": 60, "reasons": reasons}])


@pytest.fixture
def queue(owner):
    existing = Customer.objects.create(name="华东精密机械有限公司", city="上海", owner=owner)
    batch = ImportBatch.objects.create(source="import", original_name="leads.xlsx", created_by=owner)
    other = ImportBatch.objects.create(source="import", original_name="other.xlsx", created_by=owner)
    similar = encode(Text(SIMILAR_NAME, percent=70))
    rows = {
        "weak": waiting(batch, "华东精密仪器有限公司", [similar, REASONS["city"]], owner, existing, 1),
        "phone": waiting(batch, "华东精密有限公司", [similar, REASONS["phone"]], owner, existing, 2),
        "same_name": waiting(batch, "华东精密机械", [REASONS["name"]], owner, existing, 3),
        "other_import": waiting(other, "华东精密刀具有限公司", [similar], owner, existing, 1),
    }
    return batch, other, rows


def test_the_bulk_action_creates_only_this_imports_weak_rows(owner, queue):
    batch, _other, rows = queue
    assert services.review_create_weak(batch=batch, by=owner) == 1
    for key, intake in rows.items():
        intake.refresh_from_db()
        assert (intake.status == IntakeStatus.RESOLVED) == (key == "weak"), key
    assert Customer.objects.filter(name="华东精密仪器有限公司").exists()
    assert services.review_create_weak(batch=batch, by=owner) == 0  # a repeated request creates nothing more


def test_a_second_press_while_the_first_runs_creates_nothing_twice_and_is_no_error(owner, queue, monkeypatch):
    batch, _other, rows = queue
    second = waiting(batch, "华东精密仪表有限公司", [encode(Text(SIMILAR_NAME, percent=70)), REASONS["city"]], owner,
                     Customer.objects.get(name="华东精密机械有限公司"), 4)
    resolve = services.intake_resolve
    pressed = []

    def resolve_after_the_other_press(**kwargs):
        if not pressed:  # the other request resolves both weak rows while this one is at its first
            pressed.append(True)
            monkeypatch.setattr(services, "intake_resolve", resolve)
            assert services.review_create_weak(batch=batch, by=owner) == 2
            monkeypatch.setattr(services, "intake_resolve", resolve_after_the_other_press)
        return resolve(**kwargs)

    monkeypatch.setattr(services, "intake_resolve", resolve_after_the_other_press)
    assert services.review_create_weak(batch=batch, by=owner) == 0
    second.refresh_from_db()
    rows["weak"].refresh_from_db()
    assert rows["weak"].status == second.status == IntakeStatus.RESOLVED
    assert Customer.objects.filter(name__in=["华东精密仪器有限公司", "华东精密仪表有限公司"]).count() == 2


def test_an_outsider_cannot_use_the_bulk_action(client, outsider, queue):
    batch, _other, rows = queue
    client.force_login(outsider)
    assert client.post(reverse("accounts:review-create-weak"), {"batch": batch.pk}).status_code == 404
    rows["weak"].refresh_from_db()
    assert rows["weak"].status == IntakeStatus.PENDING_REVIEW


def test_the_page_filters_by_import_and_reason_and_offers_the_action(client, owner, queue):
    batch, other, _rows = queue
    client.force_login(owner)
    url = reverse("accounts:review-queue")
    everything = client.get(url).content.decode()
    assert "review-create-weak" not in everything  # the action needs an import chosen
    of_batch = client.get(url, {"batch": batch.pk}).content.decode()
    assert of_batch.count('data-testid="review-item"') == 3 and "data-confirm" in of_batch
    by_phone = client.get(url, {"reason": "phone"}).content.decode()
    assert by_phone.count('data-testid="review-item"') == 1 and "华东精密有限公司" in by_phone
    similar_other = client.get(url, {"batch": other.pk, "reason": "similar"}).content.decode()
    assert similar_other.count('data-testid="review-item"') == 1
    response = client.post(reverse("accounts:review-create-weak"), {"batch": batch.pk})
    assert response.status_code == 302 and f"batch={batch.pk}" in response["Location"]
    assert client.get(url, {"batch": batch.pk}).content.decode().count('data-testid="review-item"') == 2
