from django.apps import AppConfig
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = _("Win probability")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from funnel.models import StageChange

        # A prediction belongs to the stage it was scored in: a move forgets it, so every page, the list, the API
        # and the machine forecast show the new stage's probability until the next training.
        post_save.connect(_forget_prediction, sender=StageChange, dispatch_uid="insights.forget_prediction")
        from forecasting.selectors import register_machine_forecast_provider
        from insights.selectors import (
            PREDICTED_MIN_CHOICES,
            list_annotate,
            list_filter,
            machine_forecast_by_owner,
        )
        from opportunities.page_parts import ListColumn, register_header_part, register_list_column

        # The forecast pages and the forecast API show the machine forecast beside the submitted one.
        register_machine_forecast_provider(machine_forecast_by_owner)
        # The opportunity list: the predicted win probability as a column and a filter ("predicted ≥ 70%").
        register_list_column(ListColumn(
            code="predicted_min", order=10, label=_("Predicted"), annotate=list_annotate, cell=_predicted_cell,
            filter_label=_("Predicted"),
            filter_choices=tuple((value, format_lazy(_("at least {}%"), value)) for value in PREDICTED_MIN_CHOICES),
            apply_filter=list_filter))
        # The opportunity page: the prediction with its three factors, loaded by hx-get (404 for an outsider).
        register_header_part("prediction", 50, _prediction_part)

    def seed_demo(self, command, scale: int) -> None:
        """This area's demo data (the seed_demo command calls each app config in INSTALLED_APPS order)."""
        from insights.demo import seed

        seed(command, scale)


def _predicted_cell(opportunity) -> str:
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext

    value = getattr(opportunity, "predicted_probability", None)
    if value is None:
        return mark_safe('<span class="text-muted">—</span>')
    percent = round(float(value) * 100)
    if getattr(opportunity, "predicted_source", "") == "stage":
        return format_html('<span class="text-muted" title="{}">{}%</span>', gettext("Stage probability"), percent)
    css = "text-success fw-semibold" if percent >= 70 else ("text-danger" if percent < 30 else "")
    return format_html('<span class="{}" title="{}">{}%</span>', css, gettext("Learned from past deals"), percent)


def _prediction_part(request, opportunity) -> str:
    from django.template.loader import render_to_string
    from django.urls import reverse

    return render_to_string("insights/_prediction_loader.html",
                            {"url": reverse("insights:prediction-part", args=[opportunity.pk])}, request=request)


def _forget_prediction(sender, instance, created, **kwargs) -> None:
    from insights.models import Prediction

    if created:
        Prediction.objects.filter(opportunity_id=instance.opportunity_id).delete()
