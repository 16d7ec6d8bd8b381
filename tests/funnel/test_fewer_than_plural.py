"""The funnel page's note reads "fewer than 1 opportunity", "fewer than 2 opportunities" (issue 16)."""

from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from funnel.models import FunnelSettings

NOTE = Template('{% load i18n %}{% blocktranslate with fewest=settings.min_expected_count|floatformat:"-2" '
                'count plural=settings.min_expected_plural %}A history that expects fewer than {{ fewest }} '
                'opportunity in a stage gives it no baseline either: a ratio against a mostly empty stage would '
                'say nothing.{% plural %}A history that expects fewer than {{ fewest }} opportunities in a stage '
                'gives it no baseline either: a ratio against a mostly empty stage would say nothing.'
                '{% endblocktranslate %}')


def note(count: str) -> str:
    with translation.override("en"):
        return NOTE.render(Context({"settings": FunnelSettings(min_expected_count=Decimal(count))}))


def test_one_is_singular_and_others_plural():
    assert "fewer than 1 opportunity in" in note("1")
    assert "fewer than 2 opportunities in" in note("2")
    assert "fewer than 1.50 opportunities in" in note("1.5")


def test_the_page_template_uses_the_plural_form():
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "funnel/templates/funnel/funnel.html").read_text()
    assert "count plural=settings.min_expected_plural" in source
