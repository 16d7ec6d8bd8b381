"""Every create form is one-time and every API POST honours Idempotency-Key: these tests list the
site's URLs and templates, so that a new create page or POST endpoint without protection fails here."""

import inspect
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.test import APIClient

from crm.idempotency import IdempotentWrites
from opportunities.models import Opportunity
from tests.factories import CustomerFactory, ensure_default_config, stage
from tests.threads import NEEDS_POSTGRESQL, run_together

# Page URLs whose POST creates rows without "new", "add", "create", "import" or "rate" in their name.
OTHER_CREATE_PAGES = {"sales_planning:redeploy", "sales_planning:quota-allocate",
                      "sales_planning:quota-allocate-top", "accounts:import-rerun"}
CREATE_NAME = re.compile(r"(^|-)(new|add|create|import|rate)$")
# API POSTs that need no key: signing in hands out the person's one token (the same one each time).
NOT_WRITES = {"v1:api-token"}


def patterns(resolver=None, namespace=""):
    """(namespaced name, callback) of every URL of the site."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry.callback


def api_posts():
    for name, callback in patterns():
        view_class = getattr(callback, "cls", None)
        if not name.startswith("v1:") or view_class is None or name in NOT_WRITES:
            continue
        actions = getattr(callback, "actions", None)
        if (actions is not None and "post" in actions) or (actions is None and hasattr(view_class, "post")):
            yield name, view_class


def create_pages():
    for name, callback in patterns():
        if name.startswith(("v1:", "admin:")):
            continue
        if CREATE_NAME.search(name.rsplit(":", 1)[-1]) or name in OTHER_CREATE_PAGES:
            yield name, callback


def test_every_api_post_honours_the_idempotency_key():
    posts = dict(api_posts())
    assert len(posts) > 30  # the listing itself works
    unprotected = sorted(name for name, view_class in posts.items() if not issubclass(view_class, IdempotentWrites))
    assert unprotected == []


def test_every_create_page_is_a_one_time_form():
    pages = dict(create_pages())
    assert {"opportunities:opportunity-new", "opportunities:activity-new", "accounts:contact-new",
            "bids:bid-new", "forecasting:forecast-create", "sales_planning:quota-allocate"} <= set(pages)
    unprotected = sorted(name for name, callback in pages.items() if not getattr(callback, "one_time_form", False))
    assert unprotected == []


FORM = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form>", re.S | re.I)
ACTION_URL = re.compile(r"""action="\{% url ['"](?P<name>[\w:-]+)['"]""")


def templates():
    roots = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
    for root in roots:
        for path in root.rglob("*.html"):
            yield path.relative_to(root).as_posix(), path.read_text(encoding="utf-8")


TEMPLATE_NAME = re.compile(r"""["']([\w/.-]+\.html)["']""")


def templates_drawn_by(view) -> set[str]:
    """The templates named in a view and in the functions of its module that it calls (`_form_page`)."""
    view = inspect.unwrap(view)
    module = inspect.getmodule(view)
    seen, todo, found = set(), [view], set()
    while todo:
        function = todo.pop()
        if function in seen:
            continue
        seen.add(function)
        source = inspect.getsource(function)
        found.update(TEMPLATE_NAME.findall(source))
        for name in re.findall(r"\b(_\w+)\(", source):
            helper = getattr(module, name, None)
            if inspect.isfunction(helper):
                todo.append(helper)
    return found


def test_every_form_sent_to_a_create_page_carries_a_token():
    pages = dict(create_pages())
    # A form without an action goes back to the page that drew it: the templates a create view renders.
    rendered_by_create_views = {template for callback in pages.values() for template in templates_drawn_by(callback)}
    missing, checked = [], 0
    for name, text in templates():
        for form in FORM.finditer(text):
            if 'method="post"' not in form["attrs"].lower():
                continue
            target = ACTION_URL.search(form["attrs"])
            if target:
                protected = target["name"] in pages
            else:
                protected = 'action="' not in form["attrs"] and name in rendered_by_create_views
            if protected:
                checked += 1
                if "{% form_token %}" not in form["body"]:
                    missing.append(f"{name}: {form['attrs'].strip()[:90]}")
    assert checked > 20
    assert missing == []


# --- The one-time form token ---------------------------------------------------------------

TOKEN_INPUT = re.compile(r'name="form_token" value="([\w-]+)"')


@pytest.fixture
def customer(owner):
    ensure_default_config()
    return CustomerFactory(owner=owner)


def opportunity_form(customer, owner, **changes):
    close = (timezone.localdate() + timedelta(days=30)).isoformat()
    return {"customer": customer.pk, "name": "三期扩建", "stage": stage("02").pk, "primary_owner": owner.pk,
            "expected_close_date": close, "source": "manual", **changes}


def new_form_token(client, url) -> str:
    return TOKEN_INPUT.search(client.get(url).content.decode())[1]


@pytest.mark.django_db
def test_a_create_form_sent_twice_creates_once_and_the_second_goes_to_the_first(client, owner, customer):
    client.force_login(owner)
    url = reverse("opportunities:opportunity-new")
    token = new_form_token(client, url)
    assert new_form_token(client, url) != token  # each drawing of the form is a new form
    first = client.post(url, {**opportunity_form(customer, owner), "form_token": token})
    second = client.post(url, {**opportunity_form(customer, owner), "form_token": token}, follow=True)
    opportunity = Opportunity.objects.get()
    assert first.status_code == 302 and first.url.startswith(opportunity.get_absolute_url())
    assert second.redirect_chain[0][0] == first.url
    assert "此表单已经提交过：这是它创建的记录。" in second.content.decode()  # the page speaks Chinese by default


@pytest.mark.django_db
def test_a_refused_form_can_be_corrected_and_sent(client, owner, customer):
    client.force_login(owner)
    url = reverse("opportunities:opportunity-new")
    token = new_form_token(client, url)
    refused = client.post(url, {**opportunity_form(customer, owner, name=""), "form_token": token})
    assert refused.status_code == 400 and not Opportunity.objects.exists()
    created = client.post(url, {**opportunity_form(customer, owner), "form_token": token})
    assert created.status_code == 302 and Opportunity.objects.count() == 1


@pytest.mark.django_db
def test_someone_elses_token_is_not_a_way_to_their_row(client, owner, teammate, customer):
    client.force_login(owner)
    url = reverse("opportunities:opportunity-new")
    token = new_form_token(client, url)
    client.post(url, {**opportunity_form(customer, owner), "form_token": token})
    client.force_login(teammate)
    response = client.post(url, {**opportunity_form(customer, owner), "form_token": token})
    assert response.status_code == 302 and response.url == url
    assert Opportunity.objects.count() == 1


# --- The Idempotency-Key header of the API --------------------------------------------------

OPPORTUNITIES = "/api/v1/opportunities/"


def opportunity_body(customer, name="新产线"):
    return {"customer": customer.pk, "name": name,
            "expected_close_date": (timezone.localdate() + timedelta(days=45)).isoformat()}


@pytest.mark.django_db
def test_the_same_key_and_body_return_the_first_response(api_as, owner, customer):
    api = api_as(owner)
    first = api.post(OPPORTUNITIES, opportunity_body(customer), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post(OPPORTUNITIES, opportunity_body(customer), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Opportunity.objects.count() == 1
    # Without a key, or with another key, it is another request.
    assert api.post(OPPORTUNITIES, opportunity_body(customer), format="json",
                    HTTP_IDEMPOTENCY_KEY="k-2").status_code == 201
    assert Opportunity.objects.count() == 2


@pytest.mark.django_db
def test_a_refusal_is_kept_like_a_success(api_as, owner, customer):
    api = api_as(owner)
    body = opportunity_body(customer, name="")
    first = api.post(OPPORTUNITIES, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post(OPPORTUNITIES, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 400 and again.json() == first.json()


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_422(api_as, owner, customer):
    api = api_as(owner)
    api.post(OPPORTUNITIES, opportunity_body(customer), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    response = api.post(OPPORTUNITIES, opportunity_body(customer, name="另一个"), format="json",
                        HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 422 and "detail" in response.json()
    assert Opportunity.objects.count() == 1


@pytest.mark.django_db
def test_keys_belong_to_their_sender(api_as, owner, manager, customer):
    api_as(owner).post(OPPORTUNITIES, opportunity_body(customer), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    response = api_as(manager).post(OPPORTUNITIES, opportunity_body(customer), format="json",
                                    HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 201 and "Idempotent-Replayed" not in response
    assert Opportunity.objects.count() == 2


@pytest.mark.django_db
def test_a_key_too_long_is_400(api_as, owner, customer):
    response = api_as(owner).post(OPPORTUNITIES, opportunity_body(customer), format="json",
                                  HTTP_IDEMPOTENCY_KEY="k" * 256)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()
    assert not Opportunity.objects.exists()


def test_the_schema_documents_the_header_on_every_post(admin_client):
    schema = admin_client.get(reverse("schema"), {"format": "json"}).json()
    posts = [operation for item in schema["paths"].values() for method, operation in item.items()
             if method == "post" and operation["operationId"] != "auth_token_create"]
    assert len(posts) > 30
    assert all(any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in op.get("parameters", []))
               for op in posts)


# --- At the same moment (PostgreSQL) -------------------------------------------------------

needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason=NEEDS_POSTGRESQL)
TEN = 10


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_ten_parallel_posts_with_one_key_make_one_row(owner, customer):
    def send():
        client = APIClient()
        client.force_authenticate(user=owner)
        return client.post(OPPORTUNITIES, opportunity_body(customer), format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    responses = run_together(*[send] * TEN)
    assert [getattr(r, "status_code", repr(r)) for r in responses] == [201] * TEN
    assert Opportunity.objects.count() == 1
    assert {r.json()["id"] for r in responses} == {Opportunity.objects.get().pk}


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_ten_parallel_submissions_of_one_form_make_one_row(owner, customer):
    url = reverse("opportunities:opportunity-new")
    probe = Client()
    probe.force_login(owner)
    token = new_form_token(probe, url)

    def send():
        client = Client()
        client.force_login(owner)
        return client.post(url, {**opportunity_form(customer, owner), "form_token": token})

    responses = run_together(*[send] * TEN)
    assert [getattr(r, "status_code", repr(r)) for r in responses] == [302] * TEN
    opportunity = Opportunity.objects.get()
    assert {r.url for r in responses} == {f"{opportunity.get_absolute_url()}?tab=lines"}
