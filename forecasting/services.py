"""Writes of the forecasting area: periods, records and their workflow, channel forecasts, the
roll-up and the deadline reminders. Pages, the API and the jobs all call these functions.

The rules, in one place:
- A record's lines are the owner's own opportunities: primary owner, close date in the period,
  a counted stage, confirmed (when the rule says so). Being on a sales team never counts.
- Each line's forecast amount defaults to the opportunity's full amount (not probability
  weighted) and its category to the stage's default category; the owner may change both while
  the record is a draft.
- `amount` = counted lines + `subordinate_total` (the direct subordinates' figures, see
  forecasting/selectors.py); a revision replaces it and needs a reason.
- `pipeline_total` = the full amounts of the counted-stage opportunities in the period owned by
  the owner's whole subtree, confirmed or not.
- Records are immutable once submitted: only the status moves on (submitted -> approved or
  returned). A returned record stays as it is; the owner makes a new version.
- Every write that changes a record is a conditional UPDATE on `lock_version` (and the status
  it expects), so a stale write is a 409, never a lost update.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.errors import ConflictError, DomainError, PermissionDenied
from crm.money import CENT, money_round, parse_money, to_decimal
from crm.stored_text import Text
from forecasting.models import (
    COUNTED_CATEGORIES,
    Category,
    ChannelForecast,
    EventKind,
    Forecast,
    ForecastDeadline,
    ForecastEvent,
    ForecastLine,
    ForecastLineProduct,
    ForecastPeriod,
    ForecastReminder,
    ForecastRollup,
    ForecastStatus,
    Level,
    PeriodKind,
    PeriodStatus,
)
from forecasting.rules import (
    counted_opportunities,
    default_deadlines,
    level_of,
    people_tree,
    period_bounds,
    period_default_name,
    period_kind_of,
    rules_for,
    stage_categories,
)
from forecasting.selectors import (
    ZERO,
    compute_figures,
    latest_records,
    newer_reported_exists,
    pipeline_by_owner,
    subtree_figures,
)
from teams.models import OrgUnit, OrgUnitKind, User
from teams.services import notify, users_lock

# --- Small shared checks ------------------------------------------------------------------------


def _check_open(period: ForecastPeriod) -> None:
    if period.status != PeriodStatus.OPEN:
        raise ConflictError(_("The forecast period %(period)s is closed.") % {"period": period})


def _check_owner(forecast: Forecast, by: User, message: str) -> None:
    if forecast.owner_id != by.pk:
        raise PermissionDenied(message)


def _expected_lock(forecast: Forecast, lock_version: Any) -> int:
    if lock_version is None or lock_version == "":
        return forecast.lock_version
    try:
        return int(lock_version)
    except (TypeError, ValueError) as exc:
        raise DomainError(_("Enter a whole number."), field="lock_version") from exc


def _conflict(forecast: Forecast, expected_status: str) -> ConflictError:
    """Why a conditional update changed nothing: another status, or a stale lock version."""
    current = Forecast.objects.filter(pk=forecast.pk).values_list("status", flat=True).first()
    if current != expected_status:
        if current in (ForecastStatus.SUBMITTED, ForecastStatus.APPROVED) and expected_status == ForecastStatus.DRAFT:
            return ConflictError(_("This forecast record has already been submitted."))
        return ConflictError(_("This forecast record is %(status)s: the action is not possible.")
                             % {"status": ForecastStatus(current).label if current else "?"})
    return ConflictError(_("This forecast record was changed by someone else meanwhile: reload it and try again."))


def _write(forecast: Forecast, *, expected_lock: int, expected_status: str, **changes: Any) -> None:
    """The one conditional UPDATE every change of a record goes through."""
    updated = Forecast.objects.filter(
        pk=forecast.pk, lock_version=expected_lock, status=expected_status,
    ).update(lock_version=expected_lock + 1, updated_at=timezone.now(), **changes)
    if updated != 1:
        raise _conflict(forecast, expected_status)
    for name, value in changes.items():
        setattr(forecast, name, value)
    forecast.lock_version = expected_lock + 1


def _event(forecast: Forecast, kind: str, by: User | None, *, reason: str = "", before: Decimal | None = None,
           after: Decimal | None = None) -> ForecastEvent:
    return ForecastEvent.objects.create(forecast=forecast, kind=kind, actor=by, reason=reason,
                                        amount_before=before, amount_after=after)


def _sum_categories(lines: Iterable[ForecastLine]) -> dict[str, Decimal]:
    totals = {c.value: ZERO for c in COUNTED_CATEGORIES}
    for line in lines:
        if line.category in totals:
            totals[line.category] += line.amount
    return totals


# --- Periods ----------------------------------------------------------------------------------

@transaction.atomic
def period_create(*, kind: str = "", start: date, end: date | None = None, name: str = "",
                  deadline: date | None = None, deadlines: Mapping[str, date] | None = None,
                  by: User | None) -> ForecastPeriod:
    """Only administrators define forecast periods. Without a kind, the dates must be a calendar month,
    quarter or year (it follows from them); without an end, the kind's end. Each level gets a deadline:
    `deadlines` per level, else counted back from `deadline` (the last level's), else from the start."""
    if by is not None and not by.is_admin:
        raise PermissionDenied(_("Only an administrator can define forecast periods."))
    if not kind:
        kind = period_kind_of(start, end) if end is not None else None
        if kind is None:
            raise DomainError(_("These dates are not a calendar month, quarter or year: choose the kind."),
                              field="kind")
    if kind not in PeriodKind.values:
        raise DomainError(_("Choose month, quarter or year."), field="kind")
    if end is None:
        start, end = period_bounds(kind, start)
    if end < start:
        raise DomainError(_("The end is before the start."), field="end")
    if deadline is not None and deadline < start:
        raise DomainError(_("The deadline is before the start."), field="deadline")
    if ForecastPeriod.objects.filter(kind=kind, start=start).exists():
        raise ConflictError(_("A period of this kind already starts on this day."))
    period = ForecastPeriod.objects.create(kind=kind, start=start, end=end,
                                           name=name or period_default_name(kind, start))
    dues = {**default_deadlines(start, deadline), **{str(k): v for k, v in (deadlines or {}).items()}}
    for level, due in dues.items():
        if level not in Level.values:
            raise DomainError(_("Unknown level %(level)s.") % {"level": level}, field="deadlines")
        ForecastDeadline.objects.create(period=period, level=level, due=due)
    return period


def period_ensure(*, kind: str, day: date) -> ForecastPeriod:
    """The period of this kind containing `day`, created with the default deadlines if missing."""
    start, end = period_bounds(kind, day)
    existing = ForecastPeriod.objects.filter(kind=kind, start=start).first()
    return existing or period_create(kind=kind, start=start, end=end, by=None)


@transaction.atomic
def period_set_status(*, period: ForecastPeriod, status: str, by: User) -> ForecastPeriod:
    """Only administrators open and close forecast periods; a closed period takes no more changes."""
    if not by.is_admin:
        raise PermissionDenied(_("Only an administrator can open or close forecast periods."))
    if status not in PeriodStatus.values:
        raise DomainError(_("Choose open or closed."), field="status")
    period.status = status
    period.save(update_fields=["status", "updated_at"])
    return period


# --- Records ----------------------------------------------------------------------------------

@transaction.atomic
def forecast_create(*, period: ForecastPeriod, by: User) -> Forecast:
    """A person's new record (next version) holds only their confirmed, primary-owned opportunities
    in the period plus, for a manager, the sum of the direct subordinates' reported figures."""
    _check_open(period)
    # One creation at a time per person: the version numbers never collide.
    users_lock([by.pk])
    rules = rules_for(period)
    categories = stage_categories()
    previous = Forecast.objects.filter(period=period, owner=by).order_by("-version").first()
    carried: dict[int, ForecastLine] = {}
    if previous is not None:
        carried = {line.opportunity_id: line for line in previous.lines.all() if line.opportunity_id}
    opportunities = list(
        counted_opportunities(period, rules).filter(primary_owner=by)
        .select_related("customer", "stage").prefetch_related("lines").order_by("expected_close_date", "id")
    )
    lines, products = [], []
    for opportunity in opportunities:
        category = categories.get(opportunity.stage_id, Category.PIPELINE)
        amount = opportunity.amount
        earlier = carried.get(opportunity.pk)
        # The owner's own figure carries over to the next version while the opportunity is unchanged.
        if earlier is not None and earlier.opportunity_amount == opportunity.amount:
            amount, category = earlier.amount, earlier.category
        line = ForecastLine(
            opportunity=opportunity, opportunity_name=opportunity.name[:200],
            customer_name=str(opportunity.customer)[:200], stage_code=opportunity.stage.code,
            expected_close_date=opportunity.expected_close_date, opportunity_amount=opportunity.amount,
            amount=amount, category=category,
        )
        lines.append(line)
        products.append(list(opportunity.lines.all()))
    figures = subtree_figures(root=by, period=period, rules=rules)
    me = figures.get(by.pk)
    direct = [figures[c] for c in me.person.children if c in figures] if me is not None else []
    subordinate_total = sum((f.amount for f in direct), ZERO)
    subordinate_categories = {c.value: ZERO for c in COUNTED_CATEGORIES}
    for figure in direct:
        for key, value in figure.categories.items():
            subordinate_categories[key] += value
    own_categories = _sum_categories(lines)
    own_total = sum(own_categories.values(), ZERO)
    version = (previous.version + 1) if previous is not None else 1
    try:
        with transaction.atomic():
            forecast = Forecast.objects.create(
                period=period, owner=by, org_unit=by.org_unit, level=level_of(by) or "", version=version,
                own_total=own_total, subordinate_total=subordinate_total,
                pipeline_total=me.pipeline if me is not None else ZERO,
                amount=own_total + subordinate_total,
                commit_amount=own_categories[Category.COMMIT] + subordinate_categories[Category.COMMIT],
                best_case_amount=own_categories[Category.BEST_CASE] + subordinate_categories[Category.BEST_CASE],
                pipeline_amount=own_categories[Category.PIPELINE] + subordinate_categories[Category.PIPELINE],
                subordinate_commit=subordinate_categories[Category.COMMIT],
                subordinate_best_case=subordinate_categories[Category.BEST_CASE],
                subordinate_pipeline=subordinate_categories[Category.PIPELINE],
            )
    except IntegrityError as exc:
        raise ConflictError(_("Another version was created at the same moment: reload and try again.")) from exc
    for line in lines:
        line.forecast = forecast
    ForecastLine.objects.bulk_create(lines)
    ForecastLineProduct.objects.bulk_create([
        ForecastLineProduct(line=line, product_id=item.product_id, quantity=item.quantity, amount=item.amount)
        for line, items in zip(lines, products, strict=True) for item in items
    ])
    _event(forecast, EventKind.CREATED, by, after=forecast.amount)
    return forecast


@transaction.atomic
def forecast_set_lines(*, forecast: Forecast, by: User, lines: Iterable[Mapping[str, Any]],
                       lock_version: Any = None) -> Forecast:
    """Only the owner sets a draft's line amounts and categories; the totals follow unless revised."""
    _check_owner(forecast, by, _("Only the owner of a forecast record can change its lines."))
    _check_open(forecast.period)
    expected = _expected_lock(forecast, lock_version)
    if forecast.status != ForecastStatus.DRAFT:
        raise _conflict(forecast, ForecastStatus.DRAFT)
    current = {line.pk: line for line in forecast.lines.all()}
    by_opportunity = {line.opportunity_id: line for line in current.values() if line.opportunity_id}
    changed = []
    for index, data in enumerate(lines):
        line = None
        if data.get("id") not in (None, ""):
            line = current.get(_int(data.get("id"), "lines"))
        elif data.get("opportunity") not in (None, ""):
            line = by_opportunity.get(_int(data.get("opportunity"), "lines"))
        if line is None:
            raise DomainError(_("Line %(n)d is not a line of this record.") % {"n": index + 1}, field="lines")
        before_line = (line.amount, line.category)
        if "amount" in data:
            line.amount = parse_money(data.get("amount"), field="amount")
        if "category" in data:
            if data.get("category") not in Category.values:
                raise DomainError(_("Choose commit, best case, pipeline or omitted."), field="category")
            line.category = data["category"]
        if (line.amount, line.category) != before_line:
            changed.append(line)
    if not changed:
        # Nothing differs from the record: no write and no event, but a stale page is still a conflict.
        if expected != forecast.lock_version:
            raise _conflict(forecast, ForecastStatus.DRAFT)
        return forecast
    ForecastLine.objects.bulk_update(changed, ["amount", "category"])
    categories = _sum_categories(current.values())
    own_total = sum(categories.values(), ZERO)
    changes: dict[str, Any] = {"own_total": own_total}
    if not forecast.revised:
        subordinate = forecast.subordinate_total
        theirs = _subordinate_categories(forecast)
        changes.update(
            amount=own_total + subordinate,
            commit_amount=categories[Category.COMMIT] + theirs[Category.COMMIT],
            best_case_amount=categories[Category.BEST_CASE] + theirs[Category.BEST_CASE],
            pipeline_amount=categories[Category.PIPELINE] + theirs[Category.PIPELINE],
        )
    before = forecast.amount
    _write(forecast, expected_lock=expected, expected_status=ForecastStatus.DRAFT, **changes)
    _event(forecast, EventKind.LINES_CHANGED, by, before=before, after=forecast.amount)
    return forecast


def _subordinate_categories(forecast: Forecast) -> dict[str, Decimal]:
    """The subordinates' part of each category, as it was when the record was made."""
    return {Category.COMMIT: forecast.subordinate_commit, Category.BEST_CASE: forecast.subordinate_best_case,
            Category.PIPELINE: forecast.subordinate_pipeline}


def _int(value: Any, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise DomainError(_("Enter a whole number."), field=field) from exc


@transaction.atomic
def forecast_revise(*, forecast: Forecast, by: User, amount: Any = None, reason: str = "",
                    categories: Mapping[str, Any] | None = None, lock_version: Any = None) -> Forecast:
    """Only the owner revises a draft's amount (optionally per category), always with a reason."""
    _check_owner(forecast, by, _("Only the owner of a forecast record can revise it."))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the revision."), field="reason")
    split = None
    if categories:
        if not isinstance(categories, Mapping):
            raise DomainError(_("Give the amounts per category as an object."), field="categories")
        unknown = set(categories) - {c.value for c in COUNTED_CATEGORIES}
        if unknown:
            raise DomainError(_("Unknown category: %(names)s.") % {"names": ", ".join(sorted(unknown))},
                              field="categories")
        split = {c.value: ZERO for c in COUNTED_CATEGORIES}
        for key, value in categories.items():
            split[key] = parse_money(value, field="categories")
    if amount in (None, "") and split is not None:
        new_amount = sum(split.values(), ZERO)
    else:
        new_amount = parse_money(amount, field="amount")
    if split is not None and sum(split.values(), ZERO) != new_amount:
        raise DomainError(_("The amount must equal the sum of the categories."), field="amount")
    _check_open(forecast.period)
    expected = _expected_lock(forecast, lock_version)
    changes: dict[str, Any] = {"amount": new_amount, "revised": True}
    if split is not None:
        changes.update(commit_amount=split[Category.COMMIT], best_case_amount=split[Category.BEST_CASE],
                       pipeline_amount=split[Category.PIPELINE])
    else:
        # Without a split, the categories keep their shares of the new amount; the rest goes to commit.
        old = forecast.amount
        shares = forecast.category_totals()
        if old > 0:
            best = (shares[Category.BEST_CASE] * new_amount / old).quantize(CENT)
            pipe = (shares[Category.PIPELINE] * new_amount / old).quantize(CENT)
        else:
            best = pipe = ZERO
        changes.update(commit_amount=new_amount - best - pipe, best_case_amount=best, pipeline_amount=pipe)
    before = forecast.amount
    _write(forecast, expected_lock=expected, expected_status=ForecastStatus.DRAFT, **changes)
    _event(forecast, EventKind.REVISED, by, reason=reason, before=before, after=new_amount)
    return forecast


@transaction.atomic
def forecast_submit(*, forecast: Forecast, by: User, lock_version: Any = None,
                    lines: Iterable[Mapping[str, Any]] | None = None) -> Forecast:
    """Only the owner submits a draft, once; from then on the record never changes but its status.

    `lines`: the line amounts and categories as the owner sees them when submitting; what differs
    from the draft is saved first (as `forecast_set_lines` does), in the same transaction, so the
    record submitted is the one on the screen, or nothing is submitted."""
    _check_owner(forecast, by, _("Only the owner of a forecast record can submit it."))
    _check_open(forecast.period)
    expected = _expected_lock(forecast, lock_version)
    if lines is not None:
        forecast = forecast_set_lines(forecast=forecast, by=by, lines=lines, lock_version=expected)
        expected = forecast.lock_version
    now = timezone.now()
    _write(forecast, expected_lock=expected, expected_status=ForecastStatus.DRAFT,
           status=ForecastStatus.SUBMITTED, submitted_at=now)
    _event(forecast, EventKind.SUBMITTED, by, after=forecast.amount)
    manager = by.manager
    if manager is not None:
        url = reverse("forecasting:forecast-detail", args=[forecast.pk])
        message = Text(gettext_lazy("%(person)s submitted the forecast for %(period)s: %(amount)s"),
                       person=by, period=forecast.period, amount=forecast.amount)
        transaction.on_commit(lambda: notify(recipient=manager, kind="forecast_submitted", message=message, url=url))
    return forecast


def forecast_may_decide(*, forecast: Forecast, by: User) -> bool:
    """A superior of the owner (or an administrator) decides a record; never its owner."""
    return forecast.owner_id != by.pk and (by.is_admin or by.is_superior_of(forecast.owner))


def _check_decider(forecast: Forecast, by: User) -> None:
    if forecast.owner_id == by.pk:
        raise PermissionDenied(_("Nobody approves or returns their own forecast record."))
    if not (by.is_admin or by.is_superior_of(forecast.owner)):
        raise PermissionDenied(_("Only a superior of the owner can approve or return a forecast record."))


def _decide(forecast: Forecast, by: User, *, status: str, kind: str, reason: str, lock_version: Any) -> Forecast:
    _check_open(forecast.period)
    expected = _expected_lock(forecast, lock_version)
    if forecast.status == ForecastStatus.SUBMITTED and newer_reported_exists(forecast):
        raise ConflictError(_("A newer version of this forecast has been submitted: decide on that one."))
    _write(forecast, expected_lock=expected, expected_status=ForecastStatus.SUBMITTED,
           status=status, decided_at=timezone.now(), decided_by=by)
    _event(forecast, kind, by, reason=reason, after=forecast.amount)
    owner = forecast.owner
    url = reverse("forecasting:forecast-detail", args=[forecast.pk])
    if status == ForecastStatus.RETURNED:
        message = Text(gettext_lazy("%(person)s returned your forecast for %(period)s: %(reason)s"),
                       person=by, period=forecast.period, reason=reason)
    else:
        message = Text(gettext_lazy("%(person)s approved your forecast for %(period)s."), person=by,
                       period=forecast.period)
    transaction.on_commit(lambda: notify(recipient=owner, kind=f"forecast_{status}", message=message, url=url))
    return forecast


@transaction.atomic
def forecast_approve(*, forecast: Forecast, by: User, reason: str = "", lock_version: Any = None) -> Forecast:
    """Only a superior of the owner (anywhere up the line) approves a submitted record, never the owner."""
    _check_decider(forecast, by)
    return _decide(forecast, by, status=ForecastStatus.APPROVED, kind=EventKind.APPROVED,
                   reason=(reason or "").strip(), lock_version=lock_version)


@transaction.atomic
def forecast_return(*, forecast: Forecast, by: User, reason: str = "", lock_version: Any = None) -> Forecast:
    """Only a superior of the owner returns a submitted record, with a reason; the owner makes a new version."""
    _check_decider(forecast, by)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for returning the record."), field="reason")
    return _decide(forecast, by, status=ForecastStatus.RETURNED, kind=EventKind.RETURNED, reason=reason,
                   lock_version=lock_version)


def opportunity_confirm(*, opportunity, confirmed: bool, by: User):
    """Confirmation is the opportunities area's rule (only the primary owner): delegate to it."""
    from opportunities.services import opportunity_set_confirmed

    return opportunity_set_confirmed(opportunity=opportunity, confirmed=confirmed, by=by)


# --- Channel forecasts --------------------------------------------------------------------------

def channel_may_edit(*, user: User, org_unit: OrgUnit) -> bool:
    """The division's head, their superiors and administrators keep its channel forecasts."""
    if user.is_admin:
        return True
    if org_unit.manager_id is None:
        return False
    return org_unit.manager_id == user.pk or user.is_superior_of(org_unit.manager)


def _check_channel(*, org_unit: OrgUnit, period: ForecastPeriod, by: User) -> None:
    if org_unit.kind != OrgUnitKind.DIVISION:
        raise DomainError(_("Channel forecasts belong to a business division."), field="org_unit")
    if not channel_may_edit(user=by, org_unit=org_unit):
        raise PermissionDenied(_("Only the division's head, their superiors or an administrator can enter "
                                 "channel forecasts."))
    _check_open(period)


@transaction.atomic
def channel_forecast_save(*, period: ForecastPeriod, org_unit: OrgUnit, partner_name: str, product,
                          quantity: Any, amount: Any, by: User, partner_code: str = "",
                          instance: ChannelForecast | None = None) -> ChannelForecast:
    """A partner's forecast for a division, period and product: one row per partner and product."""
    _check_channel(org_unit=org_unit, period=period, by=by)
    partner_name = (partner_name or "").strip()
    if not partner_name:
        raise DomainError(_("Name the channel partner."), field="partner")
    values = {"quantity": money_round(to_decimal(quantity, field="quantity")),
              "amount": parse_money(amount, field="amount"), "partner_code": (partner_code or "").strip()[:40]}
    clash = ChannelForecast.objects.filter(period=period, org_unit=org_unit, partner_name=partner_name[:200],
                                           product=product)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            raise ConflictError(_("This partner already has a forecast for this product in this period."))
        for name, value in {"period": period, "org_unit": org_unit, "partner_name": partner_name[:200],
                            "product": product, **values}.items():
            setattr(instance, name, value)
        instance.save()
        return instance
    row, _created = ChannelForecast.objects.update_or_create(
        period=period, org_unit=org_unit, partner_name=partner_name[:200], product=product,
        defaults={**values, "created_by": by},
    )
    return row


@transaction.atomic
def channel_forecast_delete(*, channel_forecast: ChannelForecast, by: User) -> None:
    """The same people who enter a channel forecast may remove it."""
    _check_channel(org_unit=channel_forecast.org_unit, period=channel_forecast.period, by=by)
    channel_forecast.delete()


# Column names accepted in an import file, English or Chinese, lower-cased.
CHANNEL_COLUMNS = {
    "partner": {"partner", "partner_name", "渠道", "渠道伙伴", "代理商", "合作伙伴"},
    "partner_code": {"partner_code", "code of partner", "渠道编码", "代理商编码", "伙伴编码"},
    "product": {"product", "product_code", "产品", "产品编码"},
    "quantity": {"quantity", "qty", "数量"},
    "amount": {"amount", "金额", "预测金额"},
}


@dataclass
class ChannelImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def _read_rows(name: str, content: bytes) -> list[list[Any]]:
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise DomainError(_("This is not a readable Excel file."), field="file") from exc
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    if not name.lower().endswith(".csv"):
        raise DomainError(_("Upload a .csv or .xlsx file."), field="file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DomainError(_("The file's text encoding is not UTF-8 or GB18030."), field="file")
    return list(csv.reader(io.StringIO(text)))


@transaction.atomic
def channel_forecast_import(*, period: ForecastPeriod, org_unit: OrgUnit, name: str, content: bytes,
                            by: User) -> ChannelImportResult:
    """A file of partners' forecasts is imported whole or not at all; each row is a partner and product."""
    from opportunities.models import Product

    _check_channel(org_unit=org_unit, period=period, by=by)
    if len(content) > 5 * 1024 * 1024:
        raise DomainError(_("The file is larger than 5 MB."), field="file")
    rows = [row for row in _read_rows(name, content) if any(str(cell or "").strip() for cell in row)]
    if not rows:
        raise DomainError(_("The file is empty."), field="file")
    header = [str(cell or "").strip().lower() for cell in rows[0]]
    columns = {}
    for key, names in CHANNEL_COLUMNS.items():
        for index, title in enumerate(header):
            if title in names:
                columns[key] = index
                break
    missing = [key for key in ("partner", "product", "amount") if key not in columns]
    if missing:
        raise DomainError(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)}, field="file")
    products = {product.code: product for product in Product.objects.all()}
    result = ChannelImportResult()
    parsed = []
    for number, row in enumerate(rows[1:], start=2):
        def cell(key: str, row=row) -> str:
            index = columns.get(key)
            value = row[index] if index is not None and index < len(row) else ""
            return "" if value is None else str(value).strip()

        product = products.get(cell("product"))
        if product is None:
            result.errors.append(_("Row %(row)d: unknown product code %(code)s.") % {"row": number,
                                                                                      "code": cell("product")})
            continue
        try:
            quantity = money_round(to_decimal(cell("quantity") or "0", field="quantity"))
            amount = parse_money(cell("amount"), field="amount")
        except DomainError as exc:
            result.errors.append(_("Row %(row)d: %(message)s") % {"row": number, "message": exc.message})
            continue
        if not cell("partner"):
            result.errors.append(_("Row %(row)d: the partner is missing.") % {"row": number})
            continue
        parsed.append((cell("partner"), cell("partner_code"), product, quantity, amount))
    if result.errors:
        raise DomainError(" ".join(result.errors[:10]), field="file")
    for partner, code, product, quantity, amount in parsed:
        _row, created = ChannelForecast.objects.update_or_create(
            period=period, org_unit=org_unit, partner_name=partner[:200], product=product,
            defaults={"quantity": quantity, "amount": amount, "partner_code": code[:40], "created_by": by},
        )
        if created:
            result.created += 1
        else:
            result.updated += 1
    return result


# --- Roll-up and reminders (the background job's work) -----------------------------------------

def forecast_rollup_start(*, period: ForecastPeriod, by: User):
    """An administrator runs the roll-up of a period now (it also runs every hour) as a background job with
    its page. Returns the Job row."""
    from crm.jobs import job_start

    if not by.is_admin:
        raise PermissionDenied(_("Only an administrator runs the roll-up by hand."))
    return job_start("forecasting.tasks.forecast_rollup_period", period.pk, by=by,
                     label=Text(gettext_lazy("Forecast roll-up of %(period)s"), period=period.name))


@transaction.atomic
def forecast_rollup(*, period: ForecastPeriod) -> int:
    """The hierarchy's totals for a period, per person and per org unit, from aggregate queries;
    running it twice gives the same rows."""
    # Two runs at once take turns on the period row, so the rows are replaced once at a time.
    period = ForecastPeriod.objects.select_for_update().get(pk=period.pk)
    rules = rules_for(period)
    people = people_tree(User.objects.filter(is_active=True).values("pk"))
    # Whole-company aggregates: no owner filter at all (inactive owners' rows are simply unused).
    latest, reported = latest_records(period)
    pipeline = pipeline_by_owner(period, rules)
    roots = [pk for pk, person in people.items() if person.manager_id not in people]
    figures = compute_figures(people, latest, reported, pipeline, rules, root_ids=roots)
    now = timezone.now()
    rows = [
        ForecastRollup(period=period, user_id=pk, submitted_amount=figure.amount, pipeline_amount=figure.pipeline,
                       opportunity_count=figure.pipeline_count, people_count=figure.people,
                       submitted_count=figure.submitted_people, computed_at=now)
        for pk, figure in figures.items()
    ]
    # Per org unit: the pipeline of everyone placed in the unit or below it, the unit manager's figure.
    units = {unit.pk: unit for unit in OrgUnit.objects.all().only("pk", "parent_id", "manager_id")}
    children: dict[int, list[int]] = {}
    for unit in units.values():
        if unit.parent_id in units:
            children.setdefault(unit.parent_id, []).append(unit.pk)
    own: dict[int, list] = {pk: [ZERO, 0, 0, 0] for pk in units}
    for pk, person in people.items():
        if person.org_unit_id in own:
            own_pipeline, own_count, _counted = pipeline.get(pk, (ZERO, 0, ZERO))
            entry = own[person.org_unit_id]
            entry[0] += own_pipeline
            entry[1] += own_count
            entry[2] += 1
            entry[3] += 1 if pk in reported else 0
    totals: dict[int, list] = {}

    def total(pk: int, depth: int = 0) -> list:
        if pk in totals:
            return totals[pk]
        result = list(own[pk])
        if depth < 50:
            for child in children.get(pk, []):
                sub = total(child, depth + 1)
                result = [a + b for a, b in zip(result, sub, strict=True)]
        totals[pk] = result
        return result

    for pk, unit in units.items():
        pipe, count, people_count, submitted = total(pk)
        manager_figure = figures.get(unit.manager_id)
        rows.append(ForecastRollup(
            period=period, org_unit_id=pk, submitted_amount=manager_figure.amount if manager_figure else ZERO,
            pipeline_amount=pipe, opportunity_count=count, people_count=people_count, submitted_count=submitted,
            computed_at=now,
        ))
    ForecastRollup.objects.filter(period=period).delete()
    ForecastRollup.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


@transaction.atomic
def forecast_send_reminders(*, period: ForecastPeriod, today: date | None = None) -> int:
    """People of a submitting level without a submitted record get one in-app reminder per period and
    deadline, once their deadline is the rule's number of days away (or past)."""
    period = ForecastPeriod.objects.select_for_update().get(pk=period.pk)
    if period.status != PeriodStatus.OPEN:
        return 0
    today = today or timezone.localdate()
    rules = rules_for(period)
    due_levels = {
        deadline.level: deadline.due for deadline in period.deadlines.all()
        if rules.submits(deadline.level) and today >= deadline.due - timedelta(days=rules.reminder_days)
    }
    if not due_levels:
        return 0
    people = people_tree(User.objects.filter(is_active=True).values("pk"))
    submitted = set(
        Forecast.objects.filter(period=period, status__in=(ForecastStatus.SUBMITTED, ForecastStatus.APPROVED))
        .values_list("owner_id", flat=True)
    )
    already = set(ForecastReminder.objects.filter(period=period).values_list("user_id", "due"))
    targets = [
        (person, due_levels[person.level]) for person in people.values()
        if person.level in due_levels and person.id not in submitted
        and (person.id, due_levels[person.level]) not in already
    ]
    if not targets:
        return 0
    ForecastReminder.objects.bulk_create(
        [ForecastReminder(period=period, user_id=person.id, level=person.level, due=due) for person, due in targets]
    )
    recipients = {user.pk: user for user in User.objects.filter(pk__in=[person.id for person, _due in targets])}
    url = reverse("forecasting:my-forecast") + f"?period={period.pk}"
    for person, due in targets:
        message = Text(gettext_lazy("Your forecast for %(period)s is due on %(due)s."), period=period, due=due)
        notify(recipient=recipients.get(person.id), kind="forecast_deadline", message=message, url=url)
    return len(targets)


def forecast_jobs_run(*, today: date | None = None) -> dict[str, int]:
    """The periodic job: roll up and remind for every open period."""
    done = {"periods": 0, "rollup_rows": 0, "reminders": 0}
    for period in ForecastPeriod.objects.open().order_by("start"):
        done["periods"] += 1
        done["rollup_rows"] += forecast_rollup(period=period)
        done["reminders"] += forecast_send_reminders(period=period, today=today)
    return done

