"""Forms of the forecast pages: they read input; the rules stay in forecasting/services.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ReviseForm(forms.Form):
    amount = forms.DecimalField(label=_("New amount"), max_digits=18, decimal_places=2, min_value=0, required=False,
                                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm",
                                                                "step": "0.01", "min": "0"}))
    reason = forms.CharField(label=_("Reason"), required=True,
                             widget=forms.Textarea(attrs={"class": "form-control form-control-sm", "rows": 2}))


class DecisionForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False,
                             widget=forms.Textarea(attrs={"class": "form-control form-control-sm", "rows": 2}))


class ChannelImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or Excel file"),
                           widget=forms.ClearableFileInput(attrs={"class": "form-control form-control-sm",
                                                                  "accept": ".csv,.xlsx"}))
