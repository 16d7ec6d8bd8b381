"""Bulk import pages: the list of imports, the upload form, the detail page with its progress bar
(an HTMX partial polled while the job runs), the per-row report as CSV, and the empty template."""

from __future__ import annotations

import csv
import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.imports import (
    FIELD_LABELS,
    IMPORT_MAX_BYTES,
    ReportOutcome,
    import_batch_cancel,
    import_batch_create,
    import_batch_duplicates,
    import_batch_rerun,
    import_batches_reset_stuck,
    import_report_customers,
    import_report_reviews,
)
from accounts.models import ImportBatch, ImportStatus, Source
from crm.errors import DomainError
from crm.form_tokens import one_time_form
from crm.forms import form_add_error
from crm.stored_text import render as render_text

REPORT_PAGE_SIZE = 50
FINISHED = (ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.CANCELLED)


class ImportUploadForm(forms.Form):
    source = forms.ChoiceField(label=gettext_lazy("Source"), choices=Source.choices, initial=Source.PURCHASED)
    file = forms.FileField(label=gettext_lazy("File"), widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Formatted per request, in the page's language.
        self.fields["file"].help_text = _(
            "CSV (UTF-8 or GBK) or Excel .xlsx, at most %(limit)d MB; the first sheet is read."
        ) % {"limit": IMPORT_MAX_BYTES // 1024 // 1024}


def _visible_batch(request, pk: int) -> ImportBatch:
    batch = get_object_or_404(ImportBatch.objects.visible_to(request.user).select_related("created_by"), pk=pk)
    if batch.status == ImportStatus.RUNNING and import_batches_reset_stuck(batch_id=batch.pk):
        batch.refresh_from_db()  # its worker died: failed now, with the message saying what to do
    return batch


def _batch_counts(batch: ImportBatch) -> list[dict]:
    """The counters shown on the list, the detail page and the progress partial, in one order."""
    return [
        {"outcome": ReportOutcome.CREATED, "label": ReportOutcome.CREATED.label, "value": batch.created_count,
         "css": "text-success"},
        {"outcome": ReportOutcome.MATCHED, "label": ReportOutcome.MATCHED.label, "value": batch.matched_count,
         "css": "text-primary"},
        {"outcome": ReportOutcome.REVIEW, "label": ReportOutcome.REVIEW.label, "value": batch.review_count,
         "css": "text-warning-emphasis"},
        {"outcome": ReportOutcome.DUPLICATE, "label": ReportOutcome.DUPLICATE.label,
         "value": import_batch_duplicates(batch), "css": "text-secondary"},
        {"outcome": ReportOutcome.ERROR, "label": ReportOutcome.ERROR.label, "value": batch.error_count,
         "css": "text-danger"},
    ]


def _customer_url(pk: int) -> str:
    return reverse("accounts:customer-detail", args=[pk])


def _spreadsheet_safe(value) -> str:
    """Text a spreadsheet will not run as a formula (values come from uploaded files)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
@require_GET
def import_list(request):
    batches = ImportBatch.objects.visible_to(request.user).select_related("created_by")
    page = Paginator(batches, 25).get_page(request.GET.get("page"))
    for batch in page.object_list:
        batch.duplicate_count = import_batch_duplicates(batch)
    return render(request, "accounts/import_list.html", {"page_obj": page, "finished": FINISHED})


@login_required
@require_http_methods(["GET", "POST"])
@one_time_form
def import_new(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = import_batch_create(source=form.cleaned_data["source"], upload=form.cleaned_data["file"],
                                        by=request.user)
        except (DomainError, PermissionDenied) as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("The file is uploaded; the import will start shortly."))
            return redirect("accounts:import-detail", pk=batch.pk)
    fields = [{"name": name, "label": label} for name, label in FIELD_LABELS.items()]
    return render(request, "accounts/import_form.html", {"form": form, "fields": fields,
                                                         "max_mb": IMPORT_MAX_BYTES // 1024 // 1024})


@login_required
@require_GET
def import_detail(request, pk: int):
    batch = _visible_batch(request, pk)
    outcome = request.GET.get("outcome", "")
    entries = batch.report or []
    if outcome in ReportOutcome.values:
        entries = [entry for entry in entries if entry.get("outcome") == outcome]
    else:
        outcome = ""
    page = Paginator(entries, REPORT_PAGE_SIZE).get_page(request.GET.get("page"))
    names = import_report_customers(entries=list(page.object_list), user=request.user)
    reviews = import_report_reviews(entries=list(page.object_list), user=request.user)
    rows = []
    for entry in page.object_list:
        customer = entry.get("customer")
        rows.append({
            "review_url": (f"{reverse('accounts:review-queue')}?intake={entry['intake']}#intake-{entry['intake']}"
                           if entry.get("intake") in reviews else None),
            **entry,
            "outcome_label": ReportOutcome(entry["outcome"]).label if entry.get("outcome") in ReportOutcome.values
            else entry.get("outcome"),
            "customer_name": names.get(customer),
            "customer_url": _customer_url(customer) if customer in names else None,
            "customer_hidden": bool(customer) and customer not in names,
        })
    return render(request, "accounts/import_detail.html", {
        "batch": batch, "counts": _batch_counts(batch), "page_obj": page, "rows": rows, "outcome": outcome,
        "outcomes": ReportOutcome.choices, "finished": batch.status in FINISHED,
    })


@login_required
@require_POST
@one_time_form
def import_rerun(request, pk: int):
    """Run a failed import again, as a new batch of the same file."""
    batch = _visible_batch(request, pk)
    try:
        again = import_batch_rerun(batch=batch, by=request.user)
    except (DomainError, PermissionDenied) as exc:
        messages.error(request, str(getattr(exc, "message", exc)))
        return redirect("accounts:import-detail", pk=batch.pk)
    messages.success(request, _("The import will start again shortly."))
    return redirect("accounts:import-detail", pk=again.pk)


@login_required
@require_POST
def import_cancel(request, pk: int):
    """Cancel a waiting or running import; the page shows what was taken in before it stopped."""
    batch = _visible_batch(request, pk)
    try:
        import_batch_cancel(batch=batch, by=request.user)
    except (DomainError, PermissionDenied) as exc:
        messages.error(request, str(getattr(exc, "message", exc)))
    else:
        messages.success(request, _("The import is cancelled; the rows taken in before stay."))
    return redirect("accounts:import-detail", pk=batch.pk)


@login_required
@require_GET
def import_progress(request, pk: int):
    """The progress bar and counters; the page polls it while the job runs. When the job has
    finished, an HTMX request gets HX-Refresh so that the page shows the report."""
    batch = _visible_batch(request, pk)
    response = render(request, "accounts/import_progress.html", {
        "batch": batch, "counts": _batch_counts(batch), "finished": batch.status in FINISHED,
    })
    if request.headers.get("HX-Request") and batch.status in FINISHED:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def import_report(request, pk: int):
    """The per-row report as CSV, UTF-8 with a BOM so that Excel shows Chinese correctly."""
    batch = _visible_batch(request, pk)
    entries = batch.report or []
    names = import_report_customers(entries=entries, user=request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-report.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_("Row"), _("Outcome"), _("Name in the file"), _("Customer ID"), _("Customer"), _("Message")])
    for entry in entries:
        customer = entry.get("customer")
        visible = customer in names
        outcome = entry.get("outcome", "")
        writer.writerow([
            entry.get("row"),
            ReportOutcome(outcome).label if outcome in ReportOutcome.values else outcome,
            _spreadsheet_safe(entry.get("name", "")),
            customer if visible else "",
            _spreadsheet_safe(names.get(customer, "")),
            _spreadsheet_safe(render_text(entry.get("message", ""))),
        ])
    return response


@login_required
@require_GET
def import_template(request):
    """An empty file with the column headings, in the page's language (CSV, or .xlsx with ?format=xlsx)."""
    headings = [str(label) for label in FIELD_LABELS.values()]
    if request.GET.get("format") == "xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Customers")[:31]
        sheet.append(headings)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for index, heading in enumerate(headings):
            sheet.column_dimensions[get_column_letter(index + 1)].width = max(12, 2 * len(heading))
        sheet.freeze_panes = "A2"
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = 'attachment; filename="customer-import-template.xlsx"'
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="customer-import-template.csv"'
    response.write("\ufeff")
    csv.writer(response).writerow(headings)
    return response
