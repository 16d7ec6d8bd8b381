from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        from django.db.models.signals import pre_delete

        from opportunities.models import Activity
        from teams.page_parts import register_settings_card
        from teams.services import notification_listener_register

        # Every notification written by any area goes to the chat channels the rules name (teams may not
        # import this app: it hands the rows over to the listener).
        notification_listener_register("integrations.chat", _notifications_to_chat)
        # A deleted activity (a meeting, a tender date) shows as cancelled in its people's calendar feeds.
        pre_delete.connect(_activity_deleted, sender=Activity, dispatch_uid="integrations.calendar_cancel")
        # The person's settings page: their calendar subscription and their chat accounts.
        register_settings_card("calendar", 20, _calendar_card)
        register_settings_card("chat", 30, _chat_card)


def _notifications_to_chat(notifications) -> None:
    from integrations.services import notifications_dispatch

    notifications_dispatch(notifications)


def _activity_deleted(sender, instance, **kwargs) -> None:
    from integrations.feeds import activity_end, activity_uid
    from integrations.services import calendar_events_cancel

    people = set(instance.participants.values_list("pk", flat=True)) | {instance.owner_id}
    calendar_events_cancel(uid=activity_uid(instance.pk), summary=instance.subject, starts_at=instance.due_at,
                           ends_at=activity_end(instance), user_ids=people)


def _calendar_card(request) -> str:
    from integrations.views import calendar_card

    return calendar_card(request)


def _chat_card(request) -> str:
    from integrations.views import chat_card

    return chat_card(request)
