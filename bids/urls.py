from django.urls import path

from bids import views

app_name = "bids"

urlpatterns = [
    path("", views.bid_list, name="bid-list"),
    # From an opportunity's page: new/?opportunity=<id>
    path("new/", views.bid_new, name="bid-new"),
    path("<int:pk>/", views.bid_detail, name="bid-detail"),
    path("<int:pk>/edit/", views.bid_edit, name="bid-edit"),
    path("<int:pk>/comparison/", views.bid_comparison, name="bid-comparison"),
    path("<int:pk>/lines/add/", views.line_add, name="line-add"),
    path("<int:pk>/lines/<int:line_id>/delete/", views.line_delete, name="line-delete"),
    path("<int:pk>/agents/add/", views.agent_add, name="agent-add"),
    path("<int:pk>/agents/<int:partner_id>/remove/", views.agent_remove, name="agent-remove"),
    path("<int:pk>/competitors/add/", views.competitor_add, name="competitor-add"),
    path("<int:pk>/competitors/<int:brand_id>/remove/", views.competitor_remove, name="competitor-remove"),
    path("<int:pk>/submit/", views.bid_submit, name="bid-submit"),
    path("<int:pk>/outcome/", views.bid_outcome, name="bid-outcome"),
    path("<int:pk>/reopen/", views.bid_reopen, name="bid-reopen"),
    path("partners/", views.partner_list, name="partner-list"),
    path("partners/new/", views.partner_new, name="partner-new"),
    path("partners/<int:pk>/", views.partner_detail, name="partner-detail"),
    path("partners/<int:pk>/edit/", views.partner_edit, name="partner-edit"),
    path("partners/<int:pk>/ratings/add/", views.partner_rate, name="partner-rate"),
    path("partners/<int:pk>/contacts/add/", views.partner_contact_add, name="partner-contact-add"),
    path("partners/<int:pk>/contacts/<int:contact_id>/remove/", views.partner_contact_remove,
         name="partner-contact-remove"),
    path("competitors/", views.competitor_list, name="competitor-list"),
    path("competitors/new/", views.competitor_new, name="competitor-new"),
    path("competitors/<int:pk>/edit/", views.competitor_edit, name="competitor-edit"),
]
