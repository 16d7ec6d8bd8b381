"""Domain errors raised by services; the API and the pages map them to responses in one place."""

from __future__ import annotations

from django.core.exceptions import (
    PermissionDenied,  # re-exported: services raise it for "not allowed"
    ValidationError,
)
from django.utils.translation import gettext as _

__all__ = ["ConflictError", "DomainError", "PermissionDenied", "refusal_message"]


class DomainError(Exception):
    """A business rule refused the operation (400). `field` names the input at fault, if any."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.field = field

    def as_dict(self) -> dict[str, list[str]]:
        return {self.field or "detail": [self.message] if self.field else self.message}


class ConflictError(DomainError):
    """The object is not in a state that allows the operation, or it changed meanwhile (409)."""

    status_code = 409


def refusal_message(error: Exception) -> str:
    """The words a page shows for a service's refusal, whatever its kind: a domain error's message, a
    validation error's messages, or a permission refusal's reason ("You are not allowed to do this." when it
    gives none)."""
    if isinstance(error, DomainError):
        return error.message
    if isinstance(error, ValidationError):
        return " ".join(str(message) for message in error.messages)
    return str(error) or _("You are not allowed to do this.")
