"""Reads on the replica, writes and read-your-writes on the primary (crm.db_router).

The router's rules are tested directly; the end-to-end test needs a real streaming replica of the test
database's cluster (`scripts/replica_cluster.sh start`, then DATABASE_REPLICA_URL pointing at it) and is
skipped, with the reason printed (`pytest -rs`), without one. `.ci/run` starts the replica and runs it.
"""

import os
import time

import dj_database_url
import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from crm import db_router
from crm.db_router import PRIMARY, REPLICA, PrimaryReplicaRouter, _Route
from tests.factories import OpportunityFactory


def route(**state):
    token = db_router._route.set(_Route(**state))
    return token


def test_the_router_reads_from_the_replica_only_while_the_request_allows_it_and_has_not_written():
    router = PrimaryReplicaRouter()
    assert router.db_for_read(None) == PRIMARY  # outside a request (tasks, commands): the primary
    token = route(replica=True)
    try:
        assert router.db_for_read(None) == REPLICA
        assert router.db_for_write(None) == PRIMARY
        assert router.db_for_read(None) == PRIMARY  # the rest of a request that wrote reads its own writes
    finally:
        db_router._route.reset(token)
    token = route(replica=False)  # a POST, or someone who wrote a moment ago
    try:
        assert router.db_for_read(None) == PRIMARY
    finally:
        db_router._route.reset(token)
    assert router.allow_migrate(REPLICA, "crm") is False and router.allow_migrate(PRIMARY, "crm") is True


REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")


@pytest.fixture
def replica():
    """The `replica` connection pointed at the replica cluster, reading the test database there (the settings
    make it a mirror of the primary in tests, which is right for every other test)."""
    connection = connections[REPLICA]
    mirrored = connection.settings_dict
    real = dj_database_url.parse(REPLICA_URL)
    connection.close()
    connection.settings_dict = {**mirrored, "HOST": real["HOST"], "PORT": real["PORT"]}
    try:
        yield connection
    finally:
        connection.close()
        connection.settings_dict = mirrored


def replicated(model, **lookup) -> bool:
    """Wait (at most 10 s) until the replica has replayed the row."""
    for _ in range(100):
        if model.objects.using(REPLICA).filter(**lookup).exists():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.skipif(not REPLICA_URL, reason="DATABASE_REPLICA_URL is not set: no replica to read from "
                                            "(scripts/replica_cluster.sh start)")
@pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])
def test_lists_are_read_from_the_replica_and_a_writer_reads_the_primary(replica, owner, teammate):
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True  # a real standby, not the primary under another name
    existing = OpportunityFactory(primary_owner=owner, name="复制前的商机")
    reader, writer = Token.objects.create(user=teammate), Token.objects.create(user=owner)
    assert replicated(Token, key=writer.key) and replicated(type(existing), pk=existing.pk)

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {writer.key}")
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(connections[PRIMARY]) as on_primary:
        body = api.get("/api/v1/opportunities/").json()
    assert [row["name"] for row in body["results"]] == ["复制前的商机"]
    assert any("opportunities_opportunity" in query["sql"] for query in on_replica.captured_queries)
    assert not any("opportunities_opportunity" in query["sql"] for query in on_primary.captured_queries)

    # A write goes to the primary, and the writer's next reads too, before the replica may have it.
    created = api.post("/api/v1/opportunities/", {"name": "刚写的商机", "customer": existing.customer_id,
                                                  "expected_close_date": "2031-01-31"}, format="json")
    assert created.status_code == 201, created.content
    with CaptureQueriesContext(replica) as on_replica:
        names = [row["name"] for row in api.get("/api/v1/opportunities/").json()["results"]]
    assert "刚写的商机" in names
    assert on_replica.captured_queries == []

    # Someone else, who wrote nothing, reads the replica (and sees the row once it has been replayed).
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {reader.key}")
    with CaptureQueriesContext(replica) as on_replica:
        assert other.get("/api/v1/opportunities/").status_code == 200
    assert on_replica.captured_queries
