"""Entry requirements of the stages: a small registry of checks an administrator picks per stage.

Each requirement has a code (stored in `Stage.requirements`), a label for the admin and the UI,
and a checker `(opportunity) -> str | None`: None when the requirement is met, else the message
shown to the person moving the opportunity.

The opportunities' own requirements are registered here; an app higher up registers its own from its
`AppConfig.ready()` (bids: "bid_record"), so every requirement is known once the apps are loaded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Requirement:
    code: str
    label: str | Promise
    check: Callable[[object], str | None]


REQUIREMENTS: dict[str, Requirement] = {}


def register(code: str, label: str | Promise):
    """`register(code, label)(check)`, or as a decorator; registering a code again replaces it."""

    def add(check: Callable[[object], str | None]) -> Callable[[object], str | None]:
        REQUIREMENTS[code] = Requirement(code=code, label=label, check=check)
        return check

    return add


def requirement_choices() -> list[tuple[str, str]]:
    """(code, label) pairs for the stage form and the API."""
    return [(code, str(requirement.label)) for code, requirement in REQUIREMENTS.items()]


def unknown_requirements(codes: Iterable[str]) -> list[str]:
    return [str(code) for code in codes if code not in REQUIREMENTS]


def unmet_requirements(opportunity, codes: Iterable[str], checked: dict[str, str | None] | None = None) -> list[str]:
    """The messages of the requirements (by code) that the opportunity does not meet, in order. `checked`: the
    answers of the checks already made for this opportunity (code -> message or None), filled as it goes, so a
    page asking for several target stages checks each requirement once."""
    messages = []
    for code in dict.fromkeys(codes):
        requirement = REQUIREMENTS.get(code)
        if requirement is None:
            # A code removed from the registry after an admin picked it: nothing to check any more.
            logger.warning("stages: unknown stage requirement %r ignored", code)
            continue
        if checked is None:
            message = requirement.check(opportunity)
        else:
            if code not in checked:
                checked[code] = requirement.check(opportunity)
            message = checked[code]
        if message:
            messages.append(message)
    return messages


@register("assessment_done", gettext_lazy("Opportunity assessment done"))
def assessment_done(opportunity) -> str | None:
    """At least one 20-question assessment has been recorded for the opportunity."""
    if opportunity.assessments.exists():
        return None
    return _("Assess the opportunity (20 questions) first.")
