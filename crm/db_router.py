"""Heavy reads on a PostgreSQL read replica, writes and read-your-writes on the primary.

With DATABASE_REPLICA_URL set (settings add the `replica` database and this router), a GET or HEAD request
reads from the replica: the lists, the funnel, reports, exports and the API's GET lists, which are most of
the reading. Everything else stays on the primary:

- every write (Django asks the router for the database of each save, update, delete and locking read);
- every read of a request after its first write (the router sees the write and turns the rest of the
  request to the primary);
- every read of a person who wrote in the last DATABASE_REPLICA_PIN_SECONDS (10 s by default), on every
  web node: the pin is kept in the shared cache (Redis) under the session cookie or the API token, so the
  page a form redirects to, or an API client's next GET, shows what was just saved even while the replica
  lags behind.

Without a replica nothing here does anything: the middleware passes the request on and the router is not
installed.
"""

from __future__ import annotations

import hashlib
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

PRIMARY = "default"
REPLICA = "replica"
PIN_KEY = "db-primary-pin:%s"


@dataclass
class _Route:
    replica: bool  # this request may read from the replica
    wrote: bool = False


_route: ContextVar[_Route | None] = ContextVar("crm_db_route", default=None)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class PrimaryReplicaRouter:
    """Reads to the replica while the current request allows it; writes, and migrations, to the primary."""

    def db_for_read(self, model, **hints):
        route = _route.get()
        if route is not None and route.replica and not route.wrote:
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        route = _route.get()
        if route is not None:
            route.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def _who(request) -> str | None:
    """Whom a pin belongs to: the session cookie or the API token (hashed: the cache never holds either)."""
    credential = request.COOKIES.get(settings.SESSION_COOKIE_NAME) or request.META.get("HTTP_AUTHORIZATION")
    if not credential:
        return None
    return hashlib.sha256(credential.encode()).hexdigest()[:32]


class ReplicaReadsMiddleware:
    """Decides, per request, whether its reads may go to the replica (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        who = _who(request)
        safe = request.method in ("GET", "HEAD")
        pinned = bool(safe and who and cache.get(PIN_KEY % who))
        route = _Route(replica=safe and not pinned)
        token = _route.set(route)
        try:
            response = self.get_response(request)
        finally:
            _route.reset(token)
        if route.wrote or not safe:
            # A new session (signing in) is pinned under the cookie it has just been given.
            who = _who_after(request, response) or who
            if who:
                cache.set(PIN_KEY % who, 1, settings.DATABASE_REPLICA_PIN_SECONDS)
        return response


def _who_after(request, response) -> str | None:
    cookie = response.cookies.get(settings.SESSION_COOKIE_NAME)
    if cookie is None or not cookie.value:
        return None
    return hashlib.sha256(cookie.value.encode()).hexdigest()[:32]
