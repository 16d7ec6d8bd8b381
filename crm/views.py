"""Pages that belong to no single business area: the workbench (home) and the health check."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET

from teams.selectors import workbench

# Each business area contributes a panel: a function (user) -> {"template": ..., ...} or None.
WORKBENCH_PANELS = [
    "accounts.selectors.workbench_panel",
    "opportunities.selectors.workbench_panel",
    "funnel.selectors.workbench_panel",
    "forecasting.selectors.workbench_panel",
    "bids.selectors.workbench_panel",
    "teams.selectors.sales_workbench_panel",
]


def workbench_panels(user) -> list[dict]:
    panels = []
    for path in WORKBENCH_PANELS:
        try:
            build = import_string(path)
        except ImportError:
            continue  # that area has not landed yet
        panel = build(user)
        if panel:
            panels.append(panel)
    return panels


@login_required
def home(request):
    """Each person's workbench; every business area adds its panel here as it lands."""
    return render(request, "home.html", {"org": workbench(user=request.user), "panels": workbench_panels(request.user)})


@require_GET
def healthz(request):
    """For the load balancer and docker-compose: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
