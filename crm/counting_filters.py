"""`{{ tally|tally }}` on every page (a template builtin, see TEMPLATES in settings): a crm.counting.Tally as
the reader should take it: "1,234" when exact, "about 296,000" for an estimate, "more than 10,000" otherwise."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext as _

from crm.counting import Tally

register = template.Library()


@register.filter
def tally(value) -> str:
    if not isinstance(value, Tally):
        return "" if value is None else intcomma(value)
    if value.exact:
        return intcomma(value.count)
    if value.estimated:
        return _("about %(count)s") % {"count": intcomma(value.count)}
    return _("more than %(count)s") % {"count": intcomma(value.more_than)}
