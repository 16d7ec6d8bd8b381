"""Pages that belong to no single business area: the workbench (home) and the health check."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from teams.selectors import workbench


@login_required
def home(request):
    """Each person's workbench; every business area adds its panel here as it lands."""
    return render(request, "home.html", {"org": workbench(user=request.user)})


@require_GET
def healthz(request):
    """For the load balancer and docker-compose: the app answers and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
