"""A database that went away (a restart, a failover) answers 503 with Retry-After, not a 500 per request.

A lost connection surfaces as django.db.utils.OperationalError or InterfaceError, in the view (this
middleware) or in a middleware that reads the session or the user before it (crm.views.server_error, the site's
handler500): both answer "try again shortly" instead: JSON under /api/, a page in the app's layout elsewhere.
The outage is logged once (again after DB_OUTAGE_LOG_EVERY, with the count of refused requests), not as
a traceback per request; CONN_HEALTH_CHECKS (settings) gives the next request a fresh connection.
"""

from __future__ import annotations

import logging
import threading
import time

from django.db import connections
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
# Seconds a client is told to wait (a PostgreSQL restart takes about one).
RETRY_AFTER_SECONDS = 5
DB_OUTAGE_LOG_EVERY = 60.0


class _OutageLog:
    """Log the first refused request of an outage, then one line a minute with how many followed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._logged_at: float | None = None
        self._refused = 0

    def refused(self, error: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            self._refused += 1
            if self._logged_at is not None and now - self._logged_at < DB_OUTAGE_LOG_EVERY:
                return
            refused, self._refused, self._logged_at = self._refused, 0, now
        logger.error("database unavailable, answering 503 (%d request(s) since the last report): %s: %s",
                     refused, error.__class__.__name__, str(error).strip()[:300])


outage_log = _OutageLog()


def _drop_dead_connections() -> None:
    """Close the connections the server ended, so the next request of this thread opens a fresh one (also
    where request_finished does not close them, as in the test client)."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and not conn.in_atomic_block and not conn.is_usable():
            conn.close()


def database_unavailable_response(request, error: Exception) -> HttpResponse:
    """503 with Retry-After for a request the database could not serve: JSON for the API, a page otherwise."""
    outage_log.refused(error)
    _drop_dead_connections()
    message = _("The database is not answering for a moment. Try again in a few seconds.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        # No request context: its processors (the notification bell, the user) would ask the database again.
        response = HttpResponse(render_to_string("503.html", {"message": message,
                                                              "retry_after": RETRY_AFTER_SECONDS}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response._has_been_logged = True  # logged above, once per outage; not by django.request per request
    return response


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection raised by a view into 503 + Retry-After (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable_response(request, exception)
        return None
