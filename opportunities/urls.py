from django.urls import path

from opportunities import views

app_name = "opportunities"

urlpatterns = [
    path("", views.opportunity_list, name="opportunity-list"),
    # From a customer's page: new/?customer=<id>
    path("new/", views.opportunity_new, name="opportunity-new"),
    path("customer-options/", views.customer_option_list, name="customer-options"),
    path("agenda/", views.agenda, name="agenda"),
    path("<int:pk>/", views.opportunity_detail, name="opportunity-detail"),
    path("<int:pk>/edit/", views.opportunity_edit, name="opportunity-edit"),
    path("<int:pk>/confirm/", views.opportunity_confirm, name="opportunity-confirm"),
    path("<int:pk>/lines/add/", views.line_add, name="line-add"),
    path("<int:pk>/lines/<int:line_id>/", views.line_edit, name="line-edit"),
    path("<int:pk>/lines/<int:line_id>/delete/", views.line_delete, name="line-delete"),
    path("<int:pk>/team/add/", views.team_add, name="team-add"),
    path("<int:pk>/team/<int:user_id>/remove/", views.team_remove, name="team-remove"),
    path("<int:pk>/owner/", views.change_owner, name="change-owner"),
    path("<int:pk>/assessment/", views.assess, name="assess"),
    path("<int:pk>/plans/add/", views.plan_add, name="plan-add"),
    path("plans/<int:plan_id>/steps/add/", views.plan_step_add, name="plan-step-add"),
    path("activities/new/", views.activity_new, name="activity-new"),
    path("activities/<int:activity_id>/edit/", views.activity_edit, name="activity-edit"),
    path("activities/<int:activity_id>/done/", views.activity_done, name="activity-done"),
]
