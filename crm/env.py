"""Small typed readers for environment variables that refuse unsafe production values."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}

# A key shorter than this, or one of these well-known placeholders, is not a real secret.
MIN_SECRET_KEY_LENGTH = 40
PLACEHOLDER_SECRET_KEYS = {"changeme", "change-me", "secret", "django-insecure", "dev"}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {sorted(TRUE_WORDS | FALSE_WORDS)}, got {raw!r}.")


def env_int(name: str, default: int, *, minimum: int, maximum: int) -> int:
    """A whole number between `minimum` and `maximum`; anything else refuses to start (a typo would otherwise
    silently change a business figure)."""
    raw = env_str(name)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}.") from None
    if not minimum <= value <= maximum:
        raise ImproperlyConfigured(f"{name} must be between {minimum} and {maximum}, got {value}.")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def secret_key(*, debug: bool) -> str:
    """The SECRET_KEY; outside DEBUG it must be set, long and not a placeholder."""
    key = env_str("SECRET_KEY")
    if debug:
        # Development only: a fixed key keeps sessions across restarts of `make run`.
        return key or "django-insecure-development-key-do-not-use-in-production"
    if not key:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    lowered = key.lower()
    if len(key) < MIN_SECRET_KEY_LENGTH or lowered.startswith("django-insecure") or (
        lowered in PLACEHOLDER_SECRET_KEYS
    ):
        raise ImproperlyConfigured(
            f"SECRET_KEY must be a random value of at least {MIN_SECRET_KEY_LENGTH} characters."
        )
    return key


def allowed_hosts(*, debug: bool) -> list[str]:
    """ALLOWED_HOSTS; outside DEBUG it must name real hosts, never '*'."""
    hosts = env_list("ALLOWED_HOSTS")
    if debug:
        return hosts or ["localhost", "127.0.0.1", "[::1]"]
    if not hosts:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
    if "*" in hosts:
        raise ImproperlyConfigured("ALLOWED_HOSTS must not contain '*' when DEBUG is off.")
    return hosts
