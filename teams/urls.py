from django.urls import path

from teams import views, views_sales

app_name = "teams"

urlpatterns = [
    path("org/", views.org_chart, name="org-chart"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_mark_read, name="notifications-read"),
    # Sales force planning (views_sales.py): quotas, territories and plans, re-deployment, incentives.
    path("quotas/", views_sales.quota_list, name="quota-list"),
    path("quotas/dashboard/", views_sales.quota_dashboard, name="quota-dashboard"),
    path("quotas/<int:pk>/", views_sales.quota_detail, name="quota-detail"),
    path("quotas/allocate/<int:period_pk>/top/", views_sales.quota_allocate, name="quota-allocate-top"),
    path("quotas/allocate/<int:period_pk>/top/<str:action>/", views_sales.quota_allocation_action,
         name="quota-allocation-top-action"),
    path("quotas/allocate/<int:period_pk>/<int:unit_pk>/", views_sales.quota_allocate, name="quota-allocate"),
    path("quotas/allocate/<int:period_pk>/<int:unit_pk>/<str:action>/", views_sales.quota_allocation_action,
         name="quota-allocation-action"),
    path("territories/", views_sales.territory_list, name="territory-list"),
    path("territories/<int:pk>/", views_sales.territory_detail, name="territory-detail"),
    path("territories/<int:pk>/accounts/add/", views_sales.territory_account_add, name="territory-account-add"),
    path("territories/<int:pk>/accounts/<int:account_pk>/remove/", views_sales.territory_account_remove,
         name="territory-account-remove"),
    path("territories/plans/", views_sales.territory_plan_list, name="territory-plan-list"),
    path("territories/plans/new/", views_sales.territory_plan_new, name="territory-plan-new"),
    path("territories/plans/<int:pk>/", views_sales.territory_plan_detail, name="territory-plan-detail"),
    path("territories/plans/<int:pk>/<str:action>/", views_sales.territory_plan_action,
         name="territory-plan-action"),
    path("territories/redeploy/", views_sales.redeploy, name="redeploy"),
    path("territories/redeploy/history/", views_sales.redeploy_list, name="redeploy-list"),
    path("territories/redeploy/<int:pk>/", views_sales.redeploy_detail, name="redeploy-detail"),
    path("incentives/", views_sales.incentive_list, name="incentive-list"),
    path("incentives/new/", views_sales.incentive_new, name="incentive-new"),
    path("incentives/payouts/", views_sales.payout_list, name="payout-list"),
    path("incentives/payouts/<int:pk>/<str:action>/", views_sales.payout_action, name="payout-action"),
    path("incentives/evaluation/", views_sales.incentive_evaluation, name="incentive-evaluation"),
    path("incentives/<int:pk>/", views_sales.incentive_detail, name="incentive-detail"),
    path("incentives/<int:pk>/edit/", views_sales.incentive_edit, name="incentive-edit"),
    path("incentives/<int:pk>/<str:action>/", views_sales.incentive_action, name="incentive-action"),
]
