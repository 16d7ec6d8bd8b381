"""The opportunity API's GETs (the list and one opportunity) write each row without a serializer, from plain values
(opportunities.api.opportunity_rows_json, for speed): the JSON must stay exactly what OpportunitySerializer writes,
the shape spec/api.md and the schema document."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from rest_framework.test import APIRequestFactory

from opportunities import selectors
from opportunities.api import OpportunitySerializer, opportunity_rows_json
from opportunities.models import OpportunityLine
from tests.factories import OpportunityFactory, ProductFactory, UserFactory, stage

pytestmark = pytest.mark.django_db

LIST = "/api/v1/opportunities/"


@pytest.fixture
def varied(owner, customer, product):
    """Opportunities that differ in every way a field's format could: lines or none, a won and a lost one,
    no score and a score, competitors, a person with and without a display name, odd amounts."""
    plain = OpportunityFactory(primary_owner=owner, customer=customer, name="无明细", amount=Decimal("0.00"))
    lined = OpportunityFactory(primary_owner=owner, customer=customer, name="有明细", amount=Decimal("1234567.89"),
                               competitors=["西门子", "ABB"], assessment_score=14, high_value=True, confirmed=True,
                               description="两行\n说明", stage=stage("05"))
    OpportunityLine.objects.create(opportunity=lined, product=product, quantity=Decimal("2.5"),
                                   unit_price=Decimal("1000.10"), discount=Decimal("12.5"), amount=Decimal("2187.68"),
                                   configuration="含安装", position=1)
    OpportunityLine.objects.create(opportunity=lined, product=ProductFactory(), quantity=Decimal("1"),
                                   unit_price=Decimal("0.00"), amount=Decimal("0.00"), position=0)
    nameless = UserFactory(username="no-display-name", display_name="", first_name="", last_name="",
                           manager=owner.manager)
    won = OpportunityFactory(primary_owner=nameless, customer=customer, stage=stage("08", "won"),
                             amount=Decimal("33.33"), assessment_score=0, closed_on=date(2026, 11, 30))
    lost = OpportunityFactory(primary_owner=owner, customer=customer, stage=stage("08", "lost"))
    return [plain, lined, won, lost]


def serializer_rows(viewer, pks):
    request = APIRequestFactory().get(LIST)
    request.user = viewer
    rows = selectors.opportunity_list_api(viewer=viewer).filter(pk__in=pks).order_by("pk")
    return OpportunitySerializer(rows, many=True, context={"request": request}).data


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_row_is_what_the_serializer_writes(manager, varied, language):
    pks = [opportunity.pk for opportunity in varied]
    with translation.override(language), timezone.override("Asia/Shanghai"):
        expected = serializer_rows(manager, pks)
        lean = opportunity_rows_json(
            list(selectors.opportunity_list_api_values(viewer=manager).filter(pk__in=pks).order_by("pk")))
    # The same keys in the same order and the same values, as JSON (a string "0.00" is not a Decimal).
    assert json.dumps(lean, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)
    assert lean[1]["lines"][0]["discount"] == "0.00" and lean[1]["lines"][1]["quantity"] == "2.50"
    assert (lean[0]["closed_on"], lean[2]["closed_on"]) == (None, "2026-11-30")  # api.md: read-only, set on close


def test_the_list_and_one_opportunity_over_http_are_the_serializer_s_json(api_as, manager, varied):
    client = api_as(manager)
    pks = [opportunity.pk for opportunity in varied]
    with timezone.override("Asia/Shanghai"):
        expected = {row["id"]: row for row in json.loads(json.dumps(serializer_rows(manager, pks)))}
    listed = client.get(LIST, {"page_size": 50, "ordering": "name"}).json()
    assert listed["count"] == len(varied)
    assert {row["id"]: row for row in listed["results"]} == expected
    assert [list(row) for row in listed["results"]] == [list(expected[row["id"]]) for row in listed["results"]]
    for pk in pks:
        assert client.get(f"{LIST}{pk}/").json() == expected[pk]


def test_the_lean_list_reads_no_more_queries_as_it_grows(api_as, manager, owner, customer, product,
                                                         django_assert_max_num_queries):
    def add(count):
        for _ in range(count):
            opportunity = OpportunityFactory(primary_owner=owner, customer=customer)
            OpportunityLine.objects.create(opportunity=opportunity, product=product, quantity=1, unit_price=1,
                                           amount=1)

    client = api_as(manager)
    add(2)
    with django_assert_max_num_queries(6) as few:
        client.get(LIST)
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(LIST, {"page_size": 50}).json()
    assert body["count"] == 22 and all(row["lines"] and row["customer_name"] for row in body["results"])


def test_the_list_counts_without_the_tables_only_the_page_reads(api_as, owner, varied,
                                                                 django_assert_max_num_queries):
    """The count reads the opportunities alone: the customer, the stage and the owner, which a row shows, are
    joined for the page of rows only (on PostgreSQL a join inside a COUNT costs a visit to every counted row)."""
    client = api_as(owner)
    with django_assert_max_num_queries(8) as queries:
        body = client.get(LIST, {"page_size": 2}).json()
    counts = [query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"]]
    assert body["count"] == 3 and len(counts) == 1  # the lost, the plain and the lined one are the owner's
    assert not any(table in counts[0] for table in ("accounts_customer", "funnel_stage", "teams_user"))
    # A filter that names a joined table still counts right: it joins what it filters on.
    assert client.get(LIST, {"search": varied[1].customer.name}).json()["count"] == 3
    assert client.get(LIST, {"stage": "05"}).json()["count"] == 1
