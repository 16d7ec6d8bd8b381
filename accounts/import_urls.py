"""Bulk import pages, under /customers/imports/ in the `accounts` namespace."""

from django.urls import path

from accounts import import_views

urlpatterns = [
    path("", import_views.import_list, name="import-list"),
    path("new/", import_views.import_new, name="import-new"),
    path("template/", import_views.import_template, name="import-template"),
    path("<int:pk>/", import_views.import_detail, name="import-detail"),
    path("<int:pk>/progress/", import_views.import_progress, name="import-progress"),
    path("<int:pk>/rerun/", import_views.import_rerun, name="import-rerun"),
    path("<int:pk>/cancel/", import_views.import_cancel, name="import-cancel"),
    path("<int:pk>/report.csv", import_views.import_report, name="import-report"),
]
