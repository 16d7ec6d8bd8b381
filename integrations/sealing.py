"""Secrets at rest: a chat robot's signing secret and a calendar token are stored encrypted (Fernet, AES with
an HMAC) under a key derived from settings.SECRET_KEY, never in clear; what people see back is masked."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

# Another purpose, another key: changing this label makes every sealed value unreadable.
_KEY_INFO = b"keyaccount-crm integrations secrets v1"


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KEY_INFO).derive(
        settings.SECRET_KEY.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(text: str) -> str:
    """`text` encrypted, as a string for a text column ("" stays "")."""
    return _fernet().encrypt(text.encode()).decode() if text else ""


def unseal(sealed: str) -> str:
    """The text `seal` encrypted; "" for "" or for a value sealed under another SECRET_KEY (it cannot be read:
    an administrator enters the secret again)."""
    if not sealed:
        return ""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        return ""


def token_hash(token: str) -> str:
    """The SHA-256 of a calendar token, by which the feed finds its person without keeping the token in clear."""
    return hashlib.sha256(token.encode()).hexdigest()
