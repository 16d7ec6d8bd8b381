"""The customer list's export, as CSV or Excel: written at once for a short list, as a background job (its
page shows the progress and offers the file) for a long one. The same filters as the list page."""

from __future__ import annotations

import csv
import io

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import selectors
from accounts.forms import CustomerFilterForm
from crm.stored_text import Text

# A list longer than this is exported by a background job (the page answers at once with the job's page).
EXPORT_INLINE_ROWS = 2000
# Rows between two progress reports of an export job.
EXPORT_PROGRESS_EVERY = 500


def customer_export_queryset(*, viewer, query: str):
    """The customers of the list page with the filters of `query` (its query string), visible to `viewer`."""
    data = QueryDict(query, mutable=True)
    if not any(data.get(name) for name in ("scope", "owner", "unassigned")):
        data["scope"] = selectors.default_customer_scope(viewer)
    form = CustomerFilterForm(data, viewer=viewer, choices=selectors.customer_filter_choices(viewer=viewer))
    return form, form.filters(), selectors.customer_list(viewer=viewer, filters=form.filters())


def customer_export_file(*, viewer, query: str, fmt: str, progress=None) -> tuple[str, bytes]:
    """The export's file name and content; `progress(done, total)` is called every few hundred rows."""
    _form, _filters, customers = customer_export_queryset(viewer=viewer, query=query)
    total = customers.count() if progress else None
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    rows = selectors.customer_export_rows(customers)
    buffer = io.BytesIO()
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(_("Customers"))
        for done, row in enumerate(rows):
            sheet.append(row)
            if progress and done and done % EXPORT_PROGRESS_EVERY == 0:
                progress(done, total)
        workbook.save(buffer)
        content, name = buffer.getvalue(), f"customers-{stamp}.xlsx"
    else:
        text = io.StringIO()
        text.write("\ufeff")  # Excel opens UTF-8 (Chinese) correctly only with the byte-order mark
        writer = csv.writer(text)
        for done, row in enumerate(rows):
            writer.writerow([value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else value
                             for value in row])
            if progress and done and done % EXPORT_PROGRESS_EVERY == 0:
                progress(done, total)
        content, name = text.getvalue().encode("utf-8"), f"customers-{stamp}.csv"
    if progress:
        progress(total, total)
    return name, content


def customer_export_start(*, by, query: str, fmt: str):
    """A long export as a background job (cancellable while it runs); returns the Job row."""
    from crm.jobs import job_start

    return job_start("accounts.customer_export_job", by.pk, query, fmt, by=by, cancellable=True,
                     label=Text(gettext_lazy("Export of the customer list (%(format)s)"), format=fmt.upper()))
