"""Pages of sales force planning, under /teams/ as before the split: quotas, territories and their
plans, re-deployment, incentives."""

from django.urls import path

from sales_planning import views

app_name = "sales_planning"

urlpatterns = [
    path("quotas/", views.quota_list, name="quota-list"),
    path("quotas/dashboard/", views.quota_dashboard, name="quota-dashboard"),
    path("quotas/<int:pk>/", views.quota_detail, name="quota-detail"),
    path("quotas/allocate/<int:period_pk>/top/", views.quota_allocate, name="quota-allocate-top"),
    path("quotas/allocate/<int:period_pk>/top/<str:action>/", views.quota_allocation_action,
         name="quota-allocation-top-action"),
    path("quotas/allocate/<int:period_pk>/<int:unit_pk>/", views.quota_allocate, name="quota-allocate"),
    path("quotas/allocate/<int:period_pk>/<int:unit_pk>/<str:action>/", views.quota_allocation_action,
         name="quota-allocation-action"),
    path("territories/", views.territory_list, name="territory-list"),
    path("territories/<int:pk>/", views.territory_detail, name="territory-detail"),
    path("territories/<int:pk>/accounts/add/", views.territory_account_add, name="territory-account-add"),
    path("territories/<int:pk>/accounts/<int:account_pk>/remove/", views.territory_account_remove,
         name="territory-account-remove"),
    path("territories/plans/", views.territory_plan_list, name="territory-plan-list"),
    path("territories/plans/new/", views.territory_plan_new, name="territory-plan-new"),
    path("territories/plans/<int:pk>/", views.territory_plan_detail, name="territory-plan-detail"),
    path("territories/plans/<int:pk>/<str:action>/", views.territory_plan_action,
         name="territory-plan-action"),
    path("territories/redeploy/", views.redeploy, name="redeploy"),
    path("territories/redeploy/history/", views.redeploy_list, name="redeploy-list"),
    path("territories/redeploy/<int:pk>/", views.redeploy_detail, name="redeploy-detail"),
    path("incentives/", views.incentive_list, name="incentive-list"),
    path("incentives/new/", views.incentive_new, name="incentive-new"),
    path("incentives/payouts/", views.payout_list, name="payout-list"),
    path("incentives/payouts/<int:pk>/<str:action>/", views.payout_action, name="payout-action"),
    path("incentives/evaluation/", views.incentive_evaluation, name="incentive-evaluation"),
    path("incentives/<int:pk>/", views.incentive_detail, name="incentive-detail"),
    path("incentives/<int:pk>/edit/", views.incentive_edit, name="incentive-edit"),
    path("incentives/<int:pk>/<str:action>/", views.incentive_action, name="incentive-action"),
]
