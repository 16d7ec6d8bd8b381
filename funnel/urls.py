from django.urls import path

from funnel import views

app_name = "funnel"
urlpatterns = [
    path("", views.funnel_page, name="funnel"),
    path("baselines/", views.baselines_page, name="baselines"),
    path("stuck/", views.stuck_page, name="stuck"),
    path("opportunities/<int:pk>/move/", views.opportunity_move, name="opportunity-move"),
    path("opportunities/<int:pk>/tasks/", views.stage_task_toggle, name="opportunity-task"),
]
