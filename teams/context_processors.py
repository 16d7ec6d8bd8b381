"""Template context of the sales organisation shown on every page."""

from django.utils.functional import SimpleLazyObject

from teams.models import Notification


def notifications(request):
    """The unread count of the bell in the top bar, counted only when a page shows it."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(
        lambda: Notification.objects.visible_to(user).unread().count())}
