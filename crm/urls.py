"""The site's URLs. Each business area mounts its own: pages from <app>/urls.py, API endpoints from
<app>/api_urls.py. This module imports no business app (the layers contract in pyproject.toml)."""

from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from crm import views
from crm.api import ApiDocsAccess

# The business areas in INSTALLED_APPS order; each has api_urls.py.
API_AREAS = ["teams", "accounts", "opportunities", "funnel", "forecasting", "bids", "sales_planning", "team_selling",
             "integrations", "insights"]

api_v1 = [
    path("", views.api_root, name="api-root"),
    *(path("", include(f"{area}.api_urls")) for area in API_AREAS),
]

# The admin reads like the app: its name, not "Django administration".
admin.site.site_header = _("Key-account CRM")
admin.site.site_title = _("Key-account CRM")
admin.site.index_title = _("Administration")

# Every uncaught error: 503 for a lost database connection (crm.middleware), else JSON or a page with an error id.
handler500 = views.server_error
# 403 and 404: a page in the app's layout (the reason the service gave, if any), JSON under /api/.
handler403 = views.permission_denied
handler404 = views.page_not_found

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Pages link the SVG icon; a browser or a tool that asks for /favicon.ico anyway gets it rather than a 404.
    path("favicon.ico", views.favicon, name="favicon"),
    path("jobs/<uuid:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<uuid:pk>/progress/", views.job_progress_part, name="job-progress"),
    path("jobs/<uuid:pk>/cancel/", views.job_cancel_view, name="job-cancel"),
    path("jobs/<uuid:pk>/file/", views.job_file, name="job-file"),
    path("scheduled-jobs/<int:pk>/run/", views.scheduled_job_run, name="scheduled-job-run"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("teams.account_urls")),
    # Sales planning and team selling were split out of teams; their pages keep the /teams/ paths.
    path("teams/", include("teams.urls")),
    path("teams/", include("sales_planning.urls")),
    path("teams/", include("team_selling.urls")),
    path("customers/", include("accounts.urls")),
    path("opportunities/", include("opportunities.urls")),
    path("funnel/", include("funnel.urls")),
    path("forecasts/", include("forecasting.urls")),
    path("bids/", include("bids.urls")),
    path("", include("integrations.urls")),
    path("insights/", include("insights.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    # Behind sign-in unless API_DOCS_PUBLIC (crm.api.ApiDocsAccess); a visitor of the docs page signs in first.
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[ApiDocsAccess]), name="schema"),
    # Swagger UI sets inline styles; scripts stay files only, so only style-src is relaxed here.
    path(
        "api/docs/",
        views.api_docs_sign_in_first(csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema", permission_classes=[ApiDocsAccess]))),
        name="api-docs",
    ),
]
