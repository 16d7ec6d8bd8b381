"""A factor's label, stored as a message code and its parameters (crm.stored_text) so that it reads in the
reader's language: "Is our solution good? — yes (Q7)", "阶段 03 …", "Amount 1,200,000.00 – 2,500,000.00"."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from accounts.models import Source, Tier
from crm.stored_text import Bilingual, Text
from insights.features import Feature
from opportunities.models import Dimension


def factor_text(feature: Feature, value_index: int, *, stages: dict, questions: dict) -> Text:
    """The label of value `value_index` of `feature`; `stages` {id: Stage}, `questions` {code: question}."""
    key, value = feature.key, feature.values[value_index]
    if key == "stage":
        stage = stages.get(value)
        name = Bilingual(zh=f"{stage.code} {stage.name_zh}", en=f"{stage.code} {stage.name_en}") if stage else "?"
        return Text(_("At stage %(stage)s"), stage=name)
    if key == "in_stage":
        return _days(value, _("%(low)d–%(high)d days in the stage"), _("Under %(high)d days in the stage"),
                     _("%(low)d days or more in the stage"))
    if key == "age":
        return _days(value, _("Open for %(low)d–%(high)d days"), _("Open for under %(high)d days"),
                     _("Open for %(low)d days or more"))
    if key == "tier":
        return Text(_("Customer tier: %(tier)s"), tier=Tier(value).label) if value else Text(_("Customer tier unknown"))
    if key == "industry":
        if value == "":
            return Text(_("Industry unknown"))
        if value == "other":
            return Text(_("A less common industry"))
        return Text(_("Industry: %(industry)s"), industry=value)
    if key == "source":
        return Text(_("Source: %(source)s"), source=Source(value).label)
    if key == "amount":
        low, high = value
        if low is None:
            return Text(_("Amount under %(high)s"), high=Decimal(str(high)).quantize(Decimal("0.01")))
        if high is None:
            return Text(_("Amount %(low)s or more"), low=Decimal(str(low)).quantize(Decimal("0.01")))
        return Text(_("Amount %(low)s – %(high)s"), low=Decimal(str(low)).quantize(Decimal("0.01")),
                    high=Decimal(str(high)).quantize(Decimal("0.01")))
    if key == "activities":
        low, high = value
        if low is None:
            return Text(_("No activity in the last 30 days"))
        if high is None:
            return Text(_("%(low)d or more activities in the last 30 days"), low=int(low))
        if high - low == 1:
            return Text(_("%(low)d activity in the last 30 days"), low=int(low))
        return Text(_("%(low)d–%(high)d activities in the last 30 days"), low=int(low), high=int(high - 1))
    if key == "owner_rate":
        if value == "none":
            return Text(_("The owner has no closed deals yet"))
        low, high = value
        if low is None:
            return Text(_("The owner's past win rate is under %(high)d%%"), high=round(high * 100))
        if high is None:
            return Text(_("The owner's past win rate is %(low)d%% or more"), low=round(low * 100))
        return Text(_("The owner's past win rate is %(low)d–%(high)d%%"), low=round(low * 100),
                    high=round(high * 100))
    if key.startswith("q:"):
        code = key[2:]
        question = questions.get(code)
        text = Bilingual(zh=question.text_zh, en=question.text_en) if question else code
        if value == "yes":
            return Text(_("%(question)s — yes (%(code)s)"), question=text, code=code.upper())
        if value == "no":
            return Text(_("%(question)s — no (%(code)s)"), question=text, code=code.upper())
        return Text(_("%(question)s — not answered (%(code)s)"), question=text, code=code.upper())
    if key.startswith("dim:"):
        dimension = Dimension(key[4:]).label
        if value == "none":
            return Text(_("No scorecard yet (%(dimension)s)"), dimension=dimension)
        low, high = value
        if low is None:
            return Text(_("%(dimension)s: low score (under %(high)d)"), dimension=dimension, high=int(high))
        if high is None:
            return Text(_("%(dimension)s: high score (%(low)d or more)"), dimension=dimension, low=int(low))
        return Text(_("%(dimension)s: score %(low)d–%(high)d"), dimension=dimension, low=int(low), high=int(high - 1))
    return Text(key)


def _days(value, between, under, over) -> Text:
    low, high = value
    if low is None:
        return Text(under, high=int(high))
    if high is None:
        return Text(over, low=int(low))
    return Text(between, low=int(low), high=int(high))
