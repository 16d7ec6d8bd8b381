"""The forms behind the opportunity's "Team selling" tab, under /teams/selling/ as before the split."""

from django.urls import path

from team_selling import views

app_name = "team_selling"

urlpatterns = [
    path("selling/<int:pk>/", views.selling_tab, name="selling-tab"),
    path("selling/<int:pk>/plan/", views.plan_edit, name="selling-plan"),
    path("selling/<int:pk>/contacts/new/", views.contact_new, name="selling-contact-new"),
    path("selling/<int:pk>/contacts/<int:strategy_pk>/", views.contact_edit, name="selling-contact-edit"),
    path("selling/<int:pk>/contacts/<int:strategy_pk>/remove/", views.contact_remove,
         name="selling-contact-remove"),
    path("selling/<int:pk>/meetings/new/", views.meeting_new, name="selling-meeting-new"),
    path("selling/<int:pk>/meetings/<int:meeting_pk>/", views.meeting_edit, name="selling-meeting-edit"),
    path("selling/<int:pk>/meetings/<int:meeting_pk>/outcome/", views.meeting_outcome,
         name="selling-meeting-outcome"),
    path("selling/<int:pk>/meetings/<int:meeting_pk>/cancel/", views.meeting_cancel,
         name="selling-meeting-cancel"),
    path("selling/<int:pk>/key-interactions/", views.key_add, name="selling-key-add"),
    path("selling/<int:pk>/key-interactions/<int:interaction_pk>/remove/", views.key_remove,
         name="selling-key-remove"),
]
