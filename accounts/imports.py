"""Bulk import of customers from a CSV or Excel file (phase 1, "collect", in bulk).

`import_batch_create` keeps the uploaded file as a pending ImportBatch and writes its background job
in the same transaction (crm.jobs, the job outbox: queued once committed, or by the sweep if the
broker is away); the job (accounts.tasks.import_batch_run) calls
`import_batch_process`, which claims the batch exactly once, reads the file and takes the rows in
through `services.CustomerIntakeBatch`, the same uniqueness, assignment, classification and
enrichment code as a record typed into the form or sent through the API (a single record is a
batch of one).

Transactions: no transaction spans the whole file. Rows go in ROWS_PER_COMMIT at a time, one
transaction per chunk: one exact-key query and one trigram search for the chunk, each row decided
in order (also against the customers the chunk creates, so a file does not create two
near-identical customers), the new customers, their history, trigram names, tier changes, owners'
notifications and intake records written in bulk. A row that is refused (ValidationError,
DomainError) is reported and leaves nothing behind. If the chunk fails as a whole (an unexpected
error, a credit code saved at the same moment by someone else), it is rolled back and taken again
row by row through `services.customer_intake`, each row in its own savepoint: a clash is reported
on its row; an unexpected error stops the batch there, the rows before it committed and listed in
the report, the batch marked failed with the reason. The progress counters are written in each
chunk's transaction, so what the page shows is always what is committed.

Rows repeated inside one file are reported as duplicates of the first row and not written: see
`_FileKeys`. A batch whose worker died is marked failed by `import_batches_reset_stuck`.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.matching import normalize_name
from accounts.models import Customer, ImportBatch, ImportStatus, IntakeOutcome, Source
from accounts.services import CustomerIntakeBatch, IntakeRules, customer_clean_data, customer_intake
from crm.errors import DomainError
from crm.jobs import job_enqueue
from crm.stored_text import Text, encode
from teams.models import User

logger = logging.getLogger(__name__)

IMPORT_MAX_BYTES = 20 * 1024 * 1024
IMPORT_MAX_ROWS = 100_000
IMPORT_EXTENSIONS = (".csv", ".xlsx")
# Rows per chunk, one transaction each; the progress counters are saved with each commit. A chunk
# costs a few statements whatever its size (see services.CustomerIntakeBatch); SQLite locks the
# whole database while a transaction writes, so there the pages' writes wait for fewer rows.
ROWS_PER_COMMIT = 250
ROWS_PER_COMMIT_SQLITE = 25
# The per-row report is saved with the progress at least every this many rows (and at the end), so a
# batch whose worker died still shows which rows went in; saving it with every chunk would rewrite a
# growing JSON document 40 times for a 10,000-row file.
REPORT_SAVE_EVERY = 1000
# A running batch whose progress has not moved for this long lost its worker (see
# import_batches_reset_stuck); a chunk takes seconds.
IMPORT_STUCK_AFTER = timedelta(minutes=15)
# A title line or two above the headers is common in purchased lists: look this far for them.
HEADER_SEARCH_ROWS = 10


class ReportOutcome(models.TextChoices):
    """What became of one row of the file (the intake outcomes, plus the rows never written)."""

    CREATED = IntakeOutcome.CREATED.value, gettext_lazy("Created")
    MATCHED = IntakeOutcome.MATCHED.value, gettext_lazy("Matched")
    REVIEW = IntakeOutcome.REVIEW.value, gettext_lazy("Sent to review")
    DUPLICATE = "duplicate", gettext_lazy("Duplicate in the file")
    ERROR = "error", gettext_lazy("Rejected")


# The column headings of the template, one per customer field, in the order of CUSTOMER_FIELDS.
FIELD_LABELS = {
    "name": gettext_lazy("Customer name"),
    "credit_code": gettext_lazy("Unified social credit code"),
    "industry": gettext_lazy("Industry"),
    "province": gettext_lazy("Province"),
    "city": gettext_lazy("City"),
    "address": gettext_lazy("Address"),
    "phone": gettext_lazy("Phone"),
    "email": gettext_lazy("E-mail"),
    "website": gettext_lazy("Website"),
    "employees": gettext_lazy("Employees"),
    "annual_revenue": gettext_lazy("Annual revenue"),
}
# Other headings seen in real files; compared after `header_key` (no case, width, spaces, punctuation).
HEADER_ALIASES = {
    "name": ["name", "customer", "customer name", "company", "company name", "客户名称", "名称", "客户",
             "公司名称", "企业名称", "单位名称", "公司", "企业"],
    "credit_code": ["credit_code", "credit code", "unified social credit code", "uscc", "统一社会信用代码",
                    "信用代码", "社会信用代码", "统一信用代码"],
    "industry": ["industry", "sector", "行业", "所属行业"],
    "province": ["province", "state", "省份", "省", "所在省份"],
    "city": ["city", "城市", "市", "所在城市"],
    "address": ["address", "地址", "详细地址", "注册地址", "通讯地址"],
    "phone": ["phone", "telephone", "tel", "电话", "联系电话", "电话号码", "手机"],
    "email": ["email", "e-mail", "mail", "邮箱", "电子邮箱", "电子邮件", "邮件"],
    "website": ["website", "web site", "web", "url", "网站", "网址", "官网"],
    "employees": ["employees", "staff", "headcount", "员工人数", "人数", "员工数", "职工人数"],
    "annual_revenue": ["annual_revenue", "annual revenue", "revenue", "年收入", "营业收入", "年营业额", "营收"],
}


class ImportFileError(DomainError):
    """The file as a whole cannot be read: the batch fails with this message."""


# --- Upload --------------------------------------------------------------------------------

@transaction.atomic
def import_batch_create(*, source: str, upload: UploadedFile, by: User) -> ImportBatch:
    """Any active member of the sales organisation may upload a .csv or .xlsx file of at most
    IMPORT_MAX_BYTES; it is kept as a pending batch and processed in the background once committed."""
    if not (by and by.is_active):
        raise PermissionDenied(_("You cannot import customers."))
    if source not in Source.values:
        raise DomainError(_("Unknown source."), field="source")
    name = PurePath(upload.name or "").name
    if PurePath(name).suffix.lower() not in IMPORT_EXTENSIONS:
        raise DomainError(_("Upload a .csv or .xlsx file (Excel: save as .xlsx, or as CSV)."), field="file")
    if upload.size > IMPORT_MAX_BYTES:
        raise DomainError(
            _("The file is %(size).1f MB; the limit is %(limit)d MB. Split it into smaller files.")
            % {"size": upload.size / 1024 / 1024, "limit": IMPORT_MAX_BYTES // 1024 // 1024},
            field="file",
        )
    if not upload.size:
        raise DomainError(_("The file is empty."), field="file")
    batch = ImportBatch(source=source, original_name=name[:200], created_by=by)
    # The stored name is plain ASCII (the storage adds a suffix if taken); the original is kept apart.
    batch.file.save(f"customers{PurePath(name).suffix.lower()}", upload, save=False)
    batch.save()
    # The job is a row of this transaction: a broker that is away delays it, never loses it.
    job_enqueue("accounts.import_batch_run", batch.pk)
    return batch


@transaction.atomic
def import_batch_rerun(*, batch: ImportBatch, by: User) -> ImportBatch:
    """A failed import (a bad chunk, a worker that died) runs again as a new batch of the same file,
    for whoever may see the batch and import; the rows the first run took in are found again as
    existing customers (matched), not created twice."""
    if not (by and by.is_active):
        raise PermissionDenied(_("You cannot import customers."))
    if not ImportBatch.objects.visible_to(by).filter(pk=batch.pk).exists():
        raise PermissionDenied(_("You cannot import customers."))
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportStatus.FAILED:
        raise DomainError(_("Only a failed import can be run again."))
    again = ImportBatch(source=batch.source, original_name=batch.original_name, created_by=by)
    with batch.file.open("rb") as stored:
        again.file.save(f"customers{PurePath(batch.original_name).suffix.lower()}", stored, save=False)
    again.save()
    job_enqueue("accounts.import_batch_run", again.pk)
    return again


@transaction.atomic
def import_batch_cancel(*, batch: ImportBatch, by: User) -> ImportBatch:
    """Whoever may see a waiting or running import may cancel it: it stops before its next chunk (the chunk
    under way is rolled back whole), the rows taken in before stay, and the report lists them."""
    if not (by and by.is_active and ImportBatch.objects.visible_to(by).filter(pk=batch.pk).exists()):
        raise PermissionDenied(_("You cannot import customers."))
    cancelled = ImportBatch.objects.filter(
        pk=batch.pk, status__in=[ImportStatus.PENDING, ImportStatus.RUNNING],
    ).update(status=ImportStatus.CANCELLED, finished_at=timezone.now())
    if not cancelled:
        raise DomainError(_("The import has already finished."))
    return _reloaded(batch)


# --- Reading the file ------------------------------------------------------------------------

@dataclass
class FileRow:
    number: int  # the row number a spreadsheet shows: the header row is 1 when it is the first line
    data: dict[str, str]  # customer field -> value
    raw: dict[str, str]  # the mapped fields under their field names, then every other column by its heading


@dataclass
class ParsedFile:
    headers: list[str]
    columns: dict[str, int]  # customer field -> column index
    unknown: list[str]  # headings that are not customer fields (kept in the raw data)
    rows: list[FileRow] = field(default_factory=list)


def header_key(text: str) -> str:
    """A heading as compared: full-width folded, lower case, no spaces or punctuation."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text or "").lower())


@cache
def _header_fields() -> dict[str, str]:
    """Heading key -> customer field: the aliases plus the template's headings in every UI language."""
    keys: dict[str, str] = {}
    for name, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            keys.setdefault(header_key(alias), name)
    for code, _label in settings.LANGUAGES:
        with translation.override(code):
            for name, label in FIELD_LABELS.items():
                keys.setdefault(header_key(str(label)), name)
    return keys


def _cell_text(value: Any) -> str:
    """A cell as text: whole-number floats lose their ".0" (Excel stores phone numbers as numbers)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()


def _decode_csv(content: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK, what Chinese Excel saves as CSV).

    Anything else is refused: a wrong guess would put garbled names into the customer base.
    """
    refused = ImportFileError(_("The file is neither UTF-8 nor GBK/GB18030 text. In Excel, save it as "
                                "\"CSV UTF-8\" or as .xlsx, and upload it again."), field="file")
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in content:
        raise refused  # UTF-16 or a binary file (e.g. an .xls renamed to .csv)
    if content.startswith(codecs.BOM_UTF8):
        content = content[len(codecs.BOM_UTF8):]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = content.decode("gb18030")
    except UnicodeDecodeError:
        raise refused from None
    # GB18030 maps almost any byte pair somewhere; text that decodes to control or private-use
    # characters was something else.
    if any(unicodedata.category(char) in ("Cc", "Co", "Cn", "Cs") and char not in "\t\r\n" for char in text):
        raise refused
    return text


def _csv_rows(content: bytes) -> list[list[str]]:
    text = _decode_csv(content)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count) if any(d in first_line for d in ",\t;") else ","
    try:
        return [[cell.strip() for cell in record] for record in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file cannot be read: %(error)s") % {"error": exc}, field="file") from exc


def _xlsx_rows(fileobj) -> list[list[str]]:
    """The first worksheet's cell values, read in openpyxl's streaming (read-only) mode."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(_("The file is not a readable Excel (.xlsx) workbook."), field="file") from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(value) for value in values])
            if len(rows) > IMPORT_MAX_ROWS + HEADER_SEARCH_ROWS:
                break
        return rows
    finally:
        workbook.close()


def _header_row(rows: list[list[str]]) -> tuple[int, dict[str, int]]:
    """The index of the heading row (the first of the top rows that names the customer's name) and
    its column map; ImportFileError, naming the headings found, when there is none."""
    known = _header_fields()
    first = None
    seen = 0
    for index, cells in enumerate(rows):
        if not any(cells):
            continue
        first = cells if first is None else first
        columns: dict[str, int] = {}
        for column, heading in enumerate(cells):
            name = known.get(header_key(heading))
            if name:
                columns.setdefault(name, column)
        if "name" in columns:
            return index, columns
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            break
    if first is None:
        raise ImportFileError(_("The file has no rows."), field="file")
    found = ", ".join(heading for heading in first if heading)[:300] or "—"
    raise ImportFileError(
        _("No column with the customer's name was found (headings found: %(found)s). Name it "
          "\"%(zh)s\" or \"name\", as in the template.") % {"found": found, "zh": "客户名称"},
        field="file",
    )


def import_parse(*, content: bytes | None = None, fileobj=None, file_name: str) -> ParsedFile:
    """Read a CSV (content) or .xlsx (fileobj) file into rows keyed by customer field.

    Entirely blank rows are skipped; the unknown columns stay in each row's raw data.
    """
    if PurePath(file_name).suffix.lower() == ".xlsx":
        rows = _xlsx_rows(fileobj if fileobj is not None else io.BytesIO(content or b""))
    else:
        rows = _csv_rows(content if content is not None else fileobj.read())
    header_index, columns = _header_row(rows)
    headers = rows[header_index]
    mapped = set(columns.values())
    # Unknown columns keep their heading; a blank or repeated heading gets the column's position.
    raw_keys: dict[int, str] = {}
    for column, heading in enumerate(headers):
        if column in mapped:
            continue
        # Raw data is stored, not shown in one language: the fallback key is not translated.
        key = heading or f"column {column + 1}"
        if key in raw_keys.values() or key in columns:
            key = f"{key} ({column + 1})"
        raw_keys[column] = key
    parsed = ParsedFile(headers=headers, columns=columns, unknown=[raw_keys[c] for c in sorted(raw_keys)])
    for index in range(header_index + 1, len(rows)):
        cells = rows[index]
        if not any(cells):
            continue
        if len(parsed.rows) >= IMPORT_MAX_ROWS:
            raise ImportFileError(_("A file can hold at most %(max)d rows: split it into smaller files.")
                                  % {"max": IMPORT_MAX_ROWS}, field="file")
        data = {name: (cells[column] if column < len(cells) else "") for name, column in columns.items()}
        raw: dict[str, str] = dict(data)
        for column, value in enumerate(cells):
            if column in mapped or not value:
                continue
            raw[raw_keys.get(column) or f"column {column + 1}"] = value
        parsed.rows.append(FileRow(number=index + 1, data=data, raw=raw))
    return parsed


def import_batch_read(batch: ImportBatch) -> ParsedFile:
    """Parse the batch's stored file."""
    file_name = batch.original_name or batch.file.name
    with batch.file.open("rb") as fileobj:
        if PurePath(file_name).suffix.lower() == ".xlsx":
            return import_parse(fileobj=fileobj, file_name=file_name)
        return import_parse(content=fileobj.read(), file_name=file_name)


# --- Running ---------------------------------------------------------------------------------

class _FileKeys:
    """The rows already taken in from this file, by credit code and by normalised name.

    A later row with the same credit code, or the same normalised name (unless both rows carry
    different credit codes: two legal entities), is reported as a duplicate of the first and is
    not written. Feeding it through matching instead would link it to the customer the first row
    created and turn every difference inside one dirty list into enrichment proposals for the
    owner (or a second review item for the same company); the report names the first row, so
    someone can merge the two lines by hand. Rejected rows are not remembered: a later, valid copy
    of a rejected row goes in.
    """

    def __init__(self) -> None:
        self.by_code: dict[str, tuple[int, Customer | None]] = {}
        self.by_name: dict[str, tuple[int, Customer | None, str]] = {}

    def copy(self) -> _FileKeys:
        keys = _FileKeys()
        keys.by_code, keys.by_name = dict(self.by_code), dict(self.by_name)
        return keys

    def first(self, cleaned: dict[str, Any]) -> tuple[int, Customer | None, str] | None:
        """(row, customer, reason) of the earlier row this one repeats, or None. The customer may
        be one the current chunk creates: it has its id once the chunk is written."""
        code, name = cleaned["credit_code"], normalize_name(cleaned["name"])
        if code and code in self.by_code:
            row, customer = self.by_code[code]
            return row, customer, _("same credit code")
        if name and name in self.by_name:
            row, customer, first_code = self.by_name[name]
            if not (code and first_code and code != first_code):
                return row, customer, _("same name")
        return None

    def remember(self, cleaned: dict[str, Any], row: int, customer: Customer | None) -> None:
        code, name = cleaned["credit_code"], normalize_name(cleaned["name"])
        if code:
            self.by_code.setdefault(code, (row, customer))
        if name:
            self.by_name.setdefault(name, (row, customer, code))


def _validation_text(error: ValidationError) -> str:
    """The messages of a ValidationError, each after the heading of the column at fault."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    parts = []
    for name, errors in error.message_dict.items():
        label = FIELD_LABELS.get(name)
        messages = " ".join(errors)
        parts.append(f"{label}: {messages}" if label else messages)
    return "; ".join(parts)


class _Run:
    """One pass over the rows of a claimed batch: counts, the report, and the duplicate keys."""

    COUNTERS = {
        ReportOutcome.CREATED: "created_count",
        ReportOutcome.MATCHED: "matched_count",
        ReportOutcome.REVIEW: "review_count",
        ReportOutcome.ERROR: "error_count",
    }

    def __init__(self, batch: ImportBatch) -> None:
        self.batch = batch
        self.report: list[dict[str, Any]] = []
        self.counts = dict.fromkeys(self.COUNTERS.values(), 0)
        self.keys = _FileKeys()
        self.rules: IntakeRules | None = None
        self.report_saved = 0  # rows of the report already written to the batch

    def add(self, row: FileRow, outcome: str, *, customer: int | None = None, message: Text | str = "",
            intake: int | None = None) -> None:
        entry = {"row": row.number, "outcome": str(outcome), "customer": customer,
                 "name": row.data.get("name", "")[:200], "message": encode(message)}
        if intake:
            entry["intake"] = intake  # the review queue item of a probable match
        self.report.append(entry)
        if outcome in self.COUNTERS:
            self.counts[self.COUNTERS[outcome]] += 1

    def _intake_rules(self) -> IntakeRules:
        if self.rules is None:
            self.rules = IntakeRules()  # read once per import
        self.rules.begin()
        return self.rules

    def _duplicate_message(self, first: tuple) -> str:
        first_row, _customer, reason = first
        return _("Duplicate of row %(row)d (%(reason)s); not imported again.") % {"row": first_row, "reason": reason}

    def _add_result(self, row: FileRow, result) -> None:
        self.add(row, result.outcome, customer=result.customer.pk if result.customer else None,
                 message=self._describe(result),
                 intake=result.intake.pk if result.outcome == IntakeOutcome.REVIEW else None)

    def take_chunk(self, rows: list[FileRow]) -> None:
        """Take in a chunk of rows through one CustomerIntakeBatch: one lookup for all of them, each
        row decided in order, the new customers written together. Call inside a transaction; if it
        raises, the caller rolls the transaction back and `undo`es what the chunk added here."""
        batch = self.batch
        intake_batch = CustomerIntakeBatch(source=batch.source, by=batch.created_by, batch=batch,
                                           rules=self._intake_rules())
        cleaned_rows: list[tuple[FileRow, dict | None, str]] = []
        for row in rows:
            try:
                cleaned_rows.append((row, customer_clean_data(row.data), ""))
            except ValidationError as exc:
                cleaned_rows.append((row, None, _validation_text(exc)))
        # Rows that repeat an earlier row of the file are not looked up (unless that row is then rejected).
        probe = self.keys.copy()
        wanted = []
        for _row, cleaned, _error in cleaned_rows:
            if cleaned is not None and not probe.first(cleaned):
                probe.remember(cleaned, 0, None)
                wanted.append(cleaned)
        lookups = dict(zip(map(id, wanted), intake_batch.look_up(wanted), strict=True))
        taken: list[tuple[FileRow, str, Any, str]] = []  # row, outcome, result or first row's customer, message
        for row, cleaned, error in cleaned_rows:
            if cleaned is None:
                taken.append((row, ReportOutcome.ERROR, None, error))
                continue
            first = self.keys.first(cleaned)
            if first:
                taken.append((row, ReportOutcome.DUPLICATE, first[1], self._duplicate_message(first)))
                continue
            lookup = lookups.get(id(cleaned)) or intake_batch.look_up([cleaned])[0]
            try:
                result = intake_batch.take(cleaned=cleaned, lookup=lookup, raw=row.raw, row_number=row.number)
            except ValidationError as exc:
                taken.append((row, ReportOutcome.ERROR, None, _validation_text(exc)))
                continue
            except (DomainError, PermissionDenied) as exc:
                taken.append((row, ReportOutcome.ERROR, None, str(getattr(exc, "message", exc))))
                continue
            self.keys.remember(cleaned, row.number, result.customer)
            taken.append((row, result.outcome, result, ""))
        intake_batch.flush()  # the new customers get their ids: the report can name them
        for row, outcome, payload, message in taken:
            if outcome == ReportOutcome.DUPLICATE:
                self.add(row, outcome, customer=payload.pk if payload is not None else None, message=message)
            elif outcome == ReportOutcome.ERROR:
                self.add(row, outcome, message=message)
            else:
                self._add_result(row, payload)

    def take(self, row: FileRow) -> None:
        """One row through the single-record path, in its own savepoint (after a chunk failed)."""
        batch = self.batch
        try:
            cleaned = customer_clean_data(row.data)
        except ValidationError as exc:
            self.add(row, ReportOutcome.ERROR, message=_validation_text(exc))
            return
        first = self.keys.first(cleaned)
        if first:
            customer = first[1]
            self.add(row, ReportOutcome.DUPLICATE, customer=customer.pk if customer is not None else None,
                     message=self._duplicate_message(first))
            return
        try:
            # customer_intake is atomic (a savepoint here): the row goes in whole, or not at all.
            result = customer_intake(source=batch.source, data=row.data, by=batch.created_by, batch=batch,
                                     row_number=row.number, raw=row.raw, rules=self._intake_rules())
        except ValidationError as exc:
            self.add(row, ReportOutcome.ERROR, message=_validation_text(exc))
            return
        except (DomainError, PermissionDenied) as exc:
            self.add(row, ReportOutcome.ERROR, message=str(getattr(exc, "message", exc)))
            return
        except IntegrityError:
            # Another import or a person wrote the same credit code at the same moment.
            self.add(row, ReportOutcome.ERROR,
                     message=_("Conflicts with a customer saved at the same moment; import this row again."))
            return
        self.keys.remember(cleaned, row.number, result.customer)
        self._add_result(row, result)

    def checkpoint(self) -> tuple:
        return len(self.report), dict(self.counts), self.keys.copy()

    def undo(self, checkpoint: tuple) -> None:
        """Forget what a rolled-back chunk added to the report, the counters and the keys."""
        length, counts, keys = checkpoint
        del self.report[length:]
        self.counts, self.keys = counts, keys

    @staticmethod
    def _describe(result) -> Text:
        """The report's line for a row, kept as a stored text (the report is read later, in either language)."""
        best = result.candidates[0] if result.candidates else None
        if result.outcome == IntakeOutcome.CREATED:
            owner = result.customer.owner
            if owner is None:
                return Text(gettext_lazy("New customer, waiting in the unassigned queue."))
            return Text(gettext_lazy("New customer, assigned to %(owner)s."), owner=owner)
        reasons = best.reasons if best else []
        if result.outcome == IntakeOutcome.MATCHED:
            return Text(gettext_lazy("Existing customer (%(reasons)s)."), reasons=reasons)
        return Text(gettext_lazy("Probable match (score %(score)d: %(reasons)s); waiting for a person in the review "
                                 "queue."), score=best.score if best else 0, reasons=reasons)

    def save_progress(self, **extra: Any) -> None:
        """Write the counters (and `extra`, and the report every REPORT_SAVE_EVERY rows) while the batch
        is still ours: a batch reset as stuck in the meantime (import_batches_reset_stuck) is left alone,
        and this run stops."""
        if "report" not in extra and len(self.report) - self.report_saved >= REPORT_SAVE_EVERY:
            extra["report"] = self.report
        if "report" in extra:
            self.report_saved = len(self.report)
        saved = ImportBatch.objects.filter(pk=self.batch.pk, status=ImportStatus.RUNNING).update(
            processed_rows=len(self.report), progress_at=timezone.now(), **self.counts, **extra)
        if not saved:
            raise ImportAbandonedError

    def finish(self, status: str, error: str = "") -> None:
        self.save_progress(status=status, error=error, report=self.report, finished_at=timezone.now())


class ImportAbandonedError(Exception):
    """The batch is no longer running (it was reset as stuck while this worker was slow): stop."""


def import_batch_process(*, batch_id: int) -> ImportBatch | None:
    """Run a pending batch exactly once: a conditional UPDATE claims it (pending -> running), so a
    second call, or a second worker, does nothing and gets None. Rows go in ROWS_PER_COMMIT at a
    time, a chunk per transaction, through services.CustomerIntakeBatch; see the module docstring."""
    now = timezone.now()
    claimed = ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING, started_at=now, progress_at=now)
    if not claimed:
        return None
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    run = _Run(batch)
    language = getattr(batch.created_by, "language", "") or settings.LANGUAGE_CODE
    # Messages in the report are written in the language of the person who uploaded the file.
    with translation.override(language):
        try:
            _import_rows(batch, run)
        except ImportAbandonedError:
            # Cancelled: the report lists the rows of the chunks committed before (a stuck reset keeps its own).
            if ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.CANCELLED).update(
                    processed_rows=len(run.report), report=run.report, **run.counts):
                logger.info("import %s cancelled after %d rows", batch_id, len(run.report))
            else:
                logger.warning("import %s was reset while it ran; stopped", batch_id)
    return _reloaded(batch)


def _import_rows(batch: ImportBatch, run: _Run) -> None:
    try:
        parsed = import_batch_read(batch)
    except ImportFileError as exc:
        run.finish(ImportStatus.FAILED, error=exc.message)
        return
    except OSError as exc:
        logger.exception("import %s: cannot open the file", batch.pk)
        run.finish(ImportStatus.FAILED, error=_("The uploaded file cannot be opened (%(error)s).")
                   % {"error": exc.__class__.__name__})
        return
    ImportBatch.objects.filter(pk=batch.pk).update(total_rows=len(parsed.rows), progress_at=timezone.now())
    step = ROWS_PER_COMMIT_SQLITE if connection.vendor == "sqlite" else ROWS_PER_COMMIT
    for start in range(0, len(parsed.rows), step):
        rows = parsed.rows[start:start + step]
        checkpoint = run.checkpoint()
        try:
            with transaction.atomic():
                run.take_chunk(rows)
                run.save_progress()
            continue
        except ImportAbandonedError:
            run.undo(checkpoint)  # the chunk was rolled back: its rows are not in the report
            raise
        except Exception:  # the chunk is rolled back whole; it goes again row by row, below
            logger.warning("import %s: the chunk from row %s failed; taking it row by row", batch.pk,
                           rows[0].number, exc_info=True)
            run.undo(checkpoint)
        failure = None
        try:
            with transaction.atomic():
                for row in rows:
                    try:
                        run.take(row)
                    except Exception as exc:  # the row's savepoint is rolled back; the rows before it stay
                        logger.exception("import %s stopped at row %s", batch.pk, row.number)
                        failure = (row, exc)
                        break
                run.save_progress()
        except ImportAbandonedError:
            run.undo(checkpoint)
            raise
        if failure:
            row, exc = failure
            run.add(row, ReportOutcome.ERROR, message=_("Unexpected error: %(error)s") % {"error": exc})
            run.finish(ImportStatus.FAILED, error=_(
                "The import stopped at row %(row)d after an unexpected error (%(error)s). The rows before "
                "it were imported, as the report shows; import the remaining rows again.")
                % {"row": row.number, "error": f"{exc.__class__.__name__}: {exc}"[:300]})
            return
    run.finish(ImportStatus.DONE)


def import_batches_reset_stuck(*, batch_id: int | None = None) -> int:
    """A batch still running after IMPORT_STUCK_AFTER without progress lost its worker (a restart,
    a crash): it is marked failed with a message saying what to do, so the page stops waiting and
    the file can be imported again. A conditional UPDATE per batch: a worker that was only slow
    finds its batch no longer running and stops (see _Run.save_progress). Returns how many."""
    cutoff = timezone.now() - IMPORT_STUCK_AFTER
    stuck = ImportBatch.objects.filter(status=ImportStatus.RUNNING, progress_at__lt=cutoff)
    if batch_id is not None:
        stuck = stuck.filter(pk=batch_id)
    reset = 0
    for batch in stuck.select_related("created_by"):
        language = getattr(batch.created_by, "language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            error = _("The import stopped without finishing (no progress for %(minutes)d minutes; the "
                      "background job was probably restarted). The rows in the report were imported; "
                      "upload the file again to import the rest: rows already imported are matched to "
                      "their customers, not created twice.") % {
                "minutes": int(IMPORT_STUCK_AFTER.total_seconds() // 60)}
        reset += ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.RUNNING, progress_at__lt=cutoff).update(
            status=ImportStatus.FAILED, error=error, finished_at=timezone.now())
    return reset


def _reloaded(batch: ImportBatch) -> ImportBatch:
    batch.refresh_from_db()
    return batch


# --- Reading a batch back (pages, the report download) -------------------------------------

def import_batch_duplicates(batch: ImportBatch) -> int:
    """Rows reported as duplicates: the processed rows that no counter holds."""
    return max(0, batch.processed_rows - batch.created_count - batch.matched_count - batch.review_count
               - batch.error_count)


def import_report_customers(*, entries: list[dict], user: User) -> dict[int, str]:
    """Names of the report's customers that `user` may see (one query); the others stay anonymous."""
    ids = {entry["customer"] for entry in entries if entry.get("customer")}
    if not ids:
        return {}
    return dict(Customer.objects.visible_to(user).filter(pk__in=ids).values_list("pk", "name"))


def import_report_reviews(*, entries: list[dict], user: User) -> set[int]:
    """The report's review queue items that still wait and that `user` may see (one query)."""
    from accounts.models import CustomerIntake, IntakeStatus

    ids = {entry["intake"] for entry in entries if entry.get("intake")}
    if not ids:
        return set()
    return set(CustomerIntake.objects.visible_to(user).filter(pk__in=ids, status=IntakeStatus.PENDING_REVIEW)
               .values_list("pk", flat=True))
