"""The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, check digit last."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(value: str) -> str:
    """Upper case, half-width, no spaces: what people paste from business licences."""
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", value or "").split()).upper()


def credit_code_problem(value: str) -> str | None:
    """Why `value` is not a valid credit code, or None when it is."""
    if len(value) != 18:
        return _("A unified social credit code has 18 characters (this one has %(count)d).") % {"count": len(value)}
    bad = sorted({char for char in value if char not in ALPHABET})
    if bad:
        return _("A unified social credit code cannot contain %(chars)s.") % {"chars": ", ".join(bad)}
    if credit_code_check_char(value[:17]) != value[17]:
        return _("The check digit of this unified social credit code is wrong: please check for a typo.")
    return None


def validate_credit_code(value: str) -> None:
    problem = credit_code_problem(value)
    if problem:
        raise ValidationError({"credit_code": problem})
