"""Pages that belong to no single business area: the workbench (home), the API root and the health check."""

import sys
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET, require_POST
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response
from rest_framework.reverse import reverse

from crm.api import server_error_body
from crm.form_tokens import one_time_form
from crm.middleware import DATABASE_ERRORS, database_unavailable_response


def workbench_panels(user) -> list[dict]:
    """The cards of the workbench: every app config with a `workbench_panel(user)` method contributes one
    (or None when it has nothing for this person), in INSTALLED_APPS order."""
    panels = []
    for config in apps.get_app_configs():
        build = getattr(config, "workbench_panel", None)
        panel = build(user) if build is not None else None
        if panel:
            panels.append(panel)
    return panels


@login_required
def home(request):
    """Each person's workbench: each business area adds its card."""
    panels = workbench_panels(request.user)
    return render(request, "home.html", {
        "panels": [panel for panel in panels if not panel.get("wide")],
        "wide_panels": [panel for panel in panels if panel.get("wide")],
    })


@login_required
@require_POST
@one_time_form
def scheduled_job_run(request, pk: int):
    """The job panel's run-now button (administrators): the scheduled job runs now, on the worker, and its
    job page follows it. A second press of the same button (a double click) leads to that job, not a second."""
    from django_celery_beat.models import PeriodicTask

    from crm.jobs import schedule_run_now

    if not getattr(request.user, "is_admin", False):
        raise Http404
    periodic = get_object_or_404(PeriodicTask, pk=pk)
    job = schedule_run_now(periodic_task_id=periodic.pk, by=request.user)
    messages.success(request, _("“%(name)s” will run in a moment.") % {"name": periodic.name})
    return redirect("job-detail", pk=job.pk)


def _visible_job(request, pk):
    from crm.jobs import job_visible

    job = job_visible(user=request.user, job_id=pk)
    if job is None:
        raise Http404
    return job


def _job_context(job) -> dict:
    from crm.jobs import job_may_cancel

    return {"job": job, "may_cancel": job_may_cancel(job)}


@login_required
@require_GET
def job_detail(request, pk):
    """The page of a long action someone started (re-deployment, payout calculation, roll-up, export): its
    progress, polled while it runs, then its outcome and a link to its result. Its owner and administrators."""
    job = _visible_job(request, pk)
    return render(request, "crm/job_detail.html", _job_context(job))


@login_required
@require_GET
def job_progress_part(request, pk):
    """The job page's progress card; the page polls it every second until the job has finished."""
    job = _visible_job(request, pk)
    return render(request, "crm/_job_progress.html", _job_context(job))


@login_required
@require_POST
def job_cancel_view(request, pk):
    from crm.jobs import job_cancel, job_may_cancel

    job = _visible_job(request, pk)
    if job_may_cancel(job) and job_cancel(job=job, by=request.user):
        messages.success(request, _("The job is cancelled."))
    else:
        messages.error(request, _("The job can no longer be cancelled."))
    return redirect(job.get_absolute_url())


@login_required
@require_GET
def job_file(request, pk):
    """The file a job produced (an export), for whoever may see the job."""
    from django.http import FileResponse

    job = _visible_job(request, pk)
    if not job.result_file:
        raise Http404
    try:
        handle = job.result_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=job.result_file.name.rsplit("/", 1)[-1])


@extend_schema(exclude=True)
@api_view(["GET"])
def api_root(request, format=None):
    """The API's entry point: where its schema and its documentation are."""
    return Response({
        "schema": reverse("schema", request=request, format=format),
        "docs": reverse("api-docs", request=request, format=format),
    })


def api_docs_sign_in_first(view):
    """The API documentation page: a visitor who is not signed in goes to the sign-in page first, unless the
    documentation is public (API_DOCS_PUBLIC)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.API_DOCS_PUBLIC and not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


@require_GET
def healthz(request):
    """For the proxy and docker-compose: whether the database and the broker (Redis, or the embedded default's
    SQLite file) answer (eager mode, the test suite's, counts as answering: jobs run in-process). JSON, 503 only
    when the database does not answer: without the broker the pages still serve and jobs wait in the outbox
    (crm.jobs), so a web node is not taken out of the proxy's rotation for it; the status then says
    "degraded"."""
    checks = {"database": _database_answers(), "broker": _broker_answers()}
    status = "ok" if all(checks.values()) else "degraded" if checks["database"] else "unavailable"
    response = JsonResponse({"status": status, **{name: "ok" if ok else "unavailable" for name, ok in checks.items()}},
                            status=200 if checks["database"] else 503)
    response["Cache-Control"] = "no-store"
    return response


def _database_answers() -> bool:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DATABASE_ERRORS:  # the connection is dropped at the end of the request
        return False
    return True


def _broker_answers() -> bool:
    from crm.celery import app

    if app.conf.task_always_eager or not app.conf.broker_url:
        return True
    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=2)
            # A connection to a virtual transport (the embedded SQLite broker) is opened lazily: reading the
            # queue's length is what reaches its storage.
            with broker.SimpleQueue(app.conf.task_default_queue) as queue:
                queue.qsize()
    except Exception:  # any failure to reach it: kombu raises its own and the transport's errors
        return False
    return True


def _error_page(request, status: int, *, heading: str, advice: str, icon: str, reason: str = ""):
    """The 403 and 404 answers: JSON for an API client (a path under /api/), else a page in the app's layout."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": reason or heading}, status=status)
    return render(request, "error.html", {"status": status, "heading": heading, "advice": advice, "icon": icon,
                                          "reason": reason}, status=status)


@requires_csrf_token
def permission_denied(request, exception=None):
    """handler403: the page says why, in the words the service refused with (a PermissionDenied's message)."""
    reason = str(exception) if exception is not None and exception.args else ""
    return _error_page(request, 403, heading=_("You may not do this"), icon="shield-lock", reason=reason,
                       advice=_("If you think you should, ask your manager or an administrator."))


@requires_csrf_token
def page_not_found(request, exception=None):
    """handler404: the same page for a missing record and for one outside what the person may see (never says
    which), so nobody learns that a record exists."""
    return _error_page(request, 404, heading=_("Page not found"), icon="signpost-split",
                       advice=_("The link may be old, or the record was removed or is not shared with you."))


@requires_csrf_token
def server_error(request):
    """handler500: what an uncaught error answers, with an error id the log also has. An API client (a path under
    /api/) gets JSON, a person a page; neither a traceback. A lost database connection raised outside a view
    (a middleware reading the session) answers 503 instead, as crm.middleware does inside views."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        return database_unavailable_response(request, error)
    body = server_error_body(error)
    if request.path.startswith("/api/"):
        return JsonResponse(body, status=500)
    # A plain page: the error may come from what the layout itself needs (the database, the navigation).
    html = loader.get_template("500.html").render({"error_id": body["error_id"]})
    return HttpResponseServerError(html)


def favicon(request):
    """The app's icon for a browser or a tool that asks for /favicon.ico (pages link the SVG)."""
    return redirect(static("img/favicon.svg"), permanent=True)
