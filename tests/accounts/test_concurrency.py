"""Ten identical customers sent at once make exactly one customer; the others get the match, as a
duplicate sent a moment later would, and never a 500 (PostgreSQL: real concurrent transactions)."""

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Customer, CustomerIntake, IntakeOutcome
from tests.factories import make_credit_code
from tests.threads import NEEDS_POSTGRESQL, run_together

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason=NEEDS_POSTGRESQL),
]

TEN = 10


def post_together(user, url, body):
    def send():
        client = APIClient()
        client.force_authenticate(user=user)
        return client.post(url, body, format="json")

    return run_together(*[send] * TEN)


@pytest.mark.parametrize("credit_code", ["", make_credit_code(21)], ids=["by-name", "by-credit-code"])
def test_ten_identical_creates_make_one_customer_and_nine_matches(owner, credit_code):
    body = {"name": "东方明珠电子有限公司", "city": "上海", "source": "manual", "credit_code": credit_code}
    responses = post_together(owner, reverse("v1:customer-list"), body)
    codes = sorted(getattr(r, "status_code", repr(r)) for r in responses)
    assert codes == [201] + [409] * (TEN - 1)
    customer = Customer.objects.get()
    refused = [r.json() for r in responses if r.status_code == 409]
    assert all(r["candidates"][0]["id"] == customer.pk for r in refused)
    # The same answer a duplicate sent later gets.
    client = APIClient()
    client.force_authenticate(user=owner)
    later = client.post(reverse("v1:customer-list"), body, format="json")
    assert later.status_code == 409 and later.json()["candidates"][0]["id"] == customer.pk


@pytest.mark.parametrize("credit_code", ["", make_credit_code(22)], ids=["by-name", "by-credit-code"])
def test_ten_identical_intakes_make_one_customer_and_link_the_others(owner, credit_code):
    body = {"name": "西湖数据科技股份有限公司", "city": "杭州", "credit_code": credit_code}
    responses = post_together(owner, reverse("v1:customer-intake"), body)
    codes = sorted(getattr(r, "status_code", repr(r)) for r in responses)
    assert codes == [200] * (TEN - 1) + [201]
    customer = Customer.objects.get()
    outcomes = sorted(r.json()["outcome"] for r in responses)
    assert outcomes == ["created"] + ["matched"] * (TEN - 1)
    assert all(r.json()["customer"] == customer.pk for r in responses)
    assert CustomerIntake.objects.filter(outcome=IntakeOutcome.MATCHED, customer=customer).count() == TEN - 1
