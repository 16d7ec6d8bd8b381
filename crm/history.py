"""The change reason every history record keeps is a summary in a bounded column: a longer reason (a
tender's outcome note, a tier override's explanation) is shortened there, never refused by the database.
The full text stays in the record's own field."""

from __future__ import annotations

from simple_history.signals import pre_create_historical_record


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _bound_change_reason(sender, history_instance, **kwargs) -> None:
    reason = history_instance.history_change_reason
    if reason:
        limit = history_instance._meta.get_field("history_change_reason").max_length
        history_instance.history_change_reason = shorten(reason, limit)


def connect() -> None:
    """Bound the change reason of every historical model (called once from CrmConfig.ready)."""
    pre_create_historical_record.connect(_bound_change_reason, dispatch_uid="crm.history.bound_change_reason")
