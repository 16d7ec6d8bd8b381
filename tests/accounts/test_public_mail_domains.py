"""Public and placeholder mail domains are no evidence in duplicate matching (issue 16, item 8); administrators
keep the list (seeded by a migration)."""

import pytest

from accounts import matching
from accounts.matching import Incoming, score_pair
from accounts.models import Customer, PublicMailDomain

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_list():
    matching.public_mail_domains_changed()
    yield
    matching.public_mail_domains_changed()


@pytest.mark.parametrize("domain", ["qq.com", "163.com", "126.com", "gmail.com", "outlook.com", "hotmail.com",
                                    "yahoo.com", "sina.com", "sohu.com", "foxmail.com", "example.com",
                                    "example.org", "test.com"])
def test_the_seeded_list_holds_the_public_and_placeholder_domains(domain):
    assert domain in matching.public_mail_domains()


def test_a_shared_placeholder_domain_is_no_evidence():
    existing = Customer.objects.create(name="甲乙丙丁科技有限公司", email="a@example.com")
    candidate = score_pair(Incoming(name="完全不同的贸易公司", email="b@example.com"), existing)
    assert candidate.score == 0 and candidate.reasons == []
    lookup_keys = Incoming(name="x", email="b@example.com").keys()
    assert "email_domain" not in lookup_keys


def test_an_administrator_adds_a_domain_and_matching_follows():
    existing = Customer.objects.create(name="甲乙丙丁科技有限公司", email="a@corp-mail.cn")
    incoming = Incoming(name="完全不同的贸易公司", email="b@corp-mail.cn")
    assert score_pair(incoming, existing).score == 20  # a company's own domain is evidence
    PublicMailDomain.objects.create(domain="@Corp-Mail.cn ")
    assert "corp-mail.cn" in matching.public_mail_domains()
    assert score_pair(Incoming(name="完全不同的贸易公司", email="b@corp-mail.cn"), existing).score == 0


def test_the_admin_lists_the_domains(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/accounts/publicmaildomain/")
    assert response.status_code == 200 and "example.com" in response.content.decode()
