"""The cache is shared by every web process: a throttle counts once per address for the whole site."""

import pytest
from django.db import connection

from tests.crm.test_settings import GOOD_KEY, run_django

PRODUCTION = {"DEBUG": "0", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "crm.example.com",
              "CACHE_URL": "", "REDIS_URL": ""}
SHOW = ("shell", "-c", "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])")


def backend(extra: dict) -> str:
    return run_django({**PRODUCTION, **extra}, *SHOW).stdout.split()[-1]


def test_without_redis_the_cache_is_the_database_not_a_process_memory():
    assert backend({}) == "django.core.cache.backends.db.DatabaseCache"


@pytest.mark.parametrize("variable", ["CACHE_URL", "REDIS_URL"])
def test_with_redis_the_cache_is_redis(variable):
    assert backend({variable: "redis://127.0.0.1:6379/1"}) == "django_redis.cache.RedisCache"


SESSIONS = ("shell", "-c", "from django.conf import settings; print(settings.SESSION_ENGINE)")


@pytest.mark.parametrize("variable, engine", [
    (None, "django.contrib.sessions.backends.db"),
    ("CACHE_URL", "django.contrib.sessions.backends.cached_db"),
    ("REDIS_URL", "django.contrib.sessions.backends.cached_db"),
])
def test_sessions_are_read_from_redis_when_there_is_one_and_kept_in_the_database(variable, engine):
    extra = {variable: "redis://127.0.0.1:6379/1"} if variable else {}
    assert run_django({**PRODUCTION, **extra}, *SESSIONS).stdout.split()[-1] == engine


@pytest.mark.django_db(transaction=True)
def test_the_migrations_create_the_cache_table(settings):
    """With the database as the cache, migrating creates its table. Run with Redis as the cache (CACHE_URL set, as
    CI's Redis steps do), the test database was migrated without one: the migration is run again as it runs where
    the database is the cache."""
    from importlib import import_module

    from django.core.cache import cache, caches
    from django.core.cache.backends.db import DatabaseCache

    if not isinstance(caches["default"], DatabaseCache):
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache",
                                       "LOCATION": "crm_cache"}}
        with connection.schema_editor() as editor:
            import_module("crm.migrations.0004_cache_table").create_cache_table(None, editor)
    assert "crm_cache" in connection.introspection.table_names()
    cache.set("shared", 1)
    assert cache.get("shared") == 1


@pytest.mark.django_db
def test_a_redis_outage_lets_the_token_endpoint_answer_and_is_logged(settings, caplog, owner):
    """Redis away: the throttle's cache read is a logged miss (django-redis IGNORE_EXCEPTIONS), not a 500."""
    from rest_framework.test import APIClient

    from tests.factories import TEST_PASSWORD

    settings.CACHES = {"default": {
        "BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
    }}
    response = APIClient().post("/api/v1/auth/token/", {"username": owner.username, "password": TEST_PASSWORD},
                                format="json")
    assert response.status_code == 200 and response.json()["token"]
    assert any(record.name.startswith("django_redis") for record in caplog.records)
