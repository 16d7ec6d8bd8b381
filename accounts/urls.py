from django.urls import include, path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.customer_list, name="customer-list"),
    path("export.csv", views.customer_export, {"fmt": "csv"}, name="customer-export-csv"),
    path("export.xlsx", views.customer_export, {"fmt": "xlsx"}, name="customer-export-xlsx"),
    path("new/", views.customer_new, name="customer-new"),
    path("check/", views.customer_check, name="customer-check"),
    path("pick/", views.customer_pick, name="customer-pick"),
    path("review/", views.review_queue, name="review-queue"),
    path("review/create-weak/", views.review_create_weak, name="review-create-weak"),
    path("review/<int:intake_pk>/resolve/", views.intake_resolve, name="intake-resolve"),
    path("unassigned/", views.unassigned_queue, name="unassigned"),
    path("enrichment/", views.enrichment_reviews, name="enrichment-reviews"),
    path("enrichment/<int:proposal_pk>/decide/", views.proposal_decide, name="proposal-decide"),
    path("<int:pk>/", views.customer_detail, name="customer-detail"),
    path("<int:pk>/edit/", views.customer_edit, name="customer-edit"),
    path("<int:pk>/tier/", views.customer_tier, name="customer-tier"),
    path("<int:pk>/merge/", views.customer_merge, name="customer-merge"),
    path("<int:pk>/contacts/new/", views.contact_edit, name="contact-new"),
    path("<int:pk>/contacts/<int:contact_pk>/edit/", views.contact_edit, name="contact-edit"),
    path("<int:pk>/plans/new/", views.plan_edit, name="plan-new"),
    path("<int:pk>/plans/<int:plan_pk>/edit/", views.plan_edit, name="plan-edit"),
    path("<int:pk>/plans/<int:plan_pk>/action/", views.plan_action, name="plan-action"),
    # Bulk import pages live in accounts/import_urls.py.
    path("imports/", include("accounts.import_urls")),
]
