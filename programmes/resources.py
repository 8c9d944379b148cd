"""Import and export of factory tours (工場見学) in the spreadsheet layout of issue 4.

The layout is Japanese by specification: its column headers (:data:`COLUMNS`) and its error messages
(:data:`MESSAGES`, plus the value messages in ``portal.importing``) are Japanese text, not gettext msgids.
Columns may come in any order and any may be left out (a missing column leaves the value as it is); an
unknown column is an error, so that a mistyped header never loses data silently.

One resource serves the admin (preview, then confirm), ``manage.py import_tours`` and ``seed_demo``:

- **All or nothing.** A file with any bad row writes nothing: every row is checked (values, then the model's
  ``full_clean``) and every problem is reported as 「3行目: 市町村「札幌町」が見つかりません」 (line 1 is the
  header, as in Excel), see :meth:`ImportResult.messages`.
- **Which tour a row updates.** The one with its ``ID``; without an ID, the one with the same 施設名 and
  企業・団体名; otherwise a new tour.
- **Who may do what.** ``organisation`` scopes an import to one organisation (a partner editor's): every row
  is provided by it, and only its tours can be found, so another organisation's ID is "not found". Rows
  keep the file's 状態 only when ``can_publish``; otherwise new rows are drafts and existing ones keep theirs.
- **Not in the layout** (left as they are): the English name, the fee note, the funding scheme, demo flag.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import translation
from import_export import resources
from import_export.fields import Field

from portal import importing
from portal.choices import ListingStatus
from portal.importing import (
    AUDIENCES,
    INDUSTRIES,
    LISTING_STATUSES,
    FileProblem,
    ImportFileError,
    ImportResult,
    MunicipalityReader,
    OrganisationReader,
)
from portal.text import fold
from programmes.models import FactoryTour

# --- The Japanese layout --------------------------------------------------------------------------------

COLUMNS = {  # resource field -> column header, in the order of the export
    "id": "ID",
    "status": "状態",
    "name": "施設名",
    "name_kana": "施設名カナ",
    "company_name": "企業・団体名",
    "provider": "提供機関",
    "municipality": "市町村",
    "address": "住所",
    "postcode": "郵便番号",
    "latitude": "緯度",
    "longitude": "経度",
    "industry": "業種",
    "audiences": "対象",
    "description": "見学内容",
    "duration_minutes": "所要時間（分）",
    "group_min": "受入人数（最少）",
    "group_max": "受入人数（最多）",
    "months": "受入月",
    "weekdays": "受入曜日",
    "lead_time_days": "申込期限（日前）",
    "fee": "料金",
    "reservation_required": "予約",
    "bus_parking": "大型バス駐車場",
    "wheelchair_access": "車椅子",
    "winter_note": "冬期の注意",
    "phone": "電話",
    "website": "ウェブサイト",
    "confirmed_on": "情報確認日",
}

MESSAGES = {
    "unknown_column": "1行目: 「{header}」は使えない列です（使える列: {allowed}）",
    "duplicate_column": "1行目: 列「{header}」が2つ以上あります",
    "duplicate_id": "{line}行目: ID「{value}」が{first}行目と重複しています",
    "duplicate_tour": "{line}行目: 施設名と企業・団体名が{first}行目と同じです（同じ見学先を2回書いていませんか）",
    "id_not_found": "ID「{value}」の見学先が見つかりません",
    "ambiguous_tour": "施設名「{name}」・企業・団体名「{company}」の見学先が複数あります。IDを入力してください",
    "required": "{column}が入力されていません",
    "max_length": "{column}は{limit}文字以内で入力してください（{length}文字あります）",
    "url": "{column}「{value}」はURLとして正しくありません（https:// から入力してください）",
    "group_size": "受入人数（最少）が受入人数（最多）より大きくなっています",
    "location": "緯度と経度は両方入力するか、両方とも空欄にしてください",
    "other": "{column}: {message}",
}


# Checks of several fields (FactoryTour.clean() and its constraints): the fields each compares.
CROSS_FIELD_CHECKS = {"location": {"latitude", "longitude"}, "group_size": {"group_min", "group_max"}}


def _header_key(header) -> str:
    return fold(importing.cell_text(header)).replace(" ", "")


_KNOWN_HEADERS = {_header_key(header): header for header in COLUMNS.values()}


# --- Columns --------------------------------------------------------------------------------------------


def _text(value) -> str:
    return "" if value is None else str(value)


class TourColumn(Field):
    """One column: read by ``FactoryTourResource.read_<key>``, written by ``render``.

    ``attributes`` are the model fields the column sets: compared to skip unchanged rows, and named by the
    model's validation errors.
    """

    def __init__(self, key: str, render, *, attributes: tuple[str, ...] | None = None, readonly: bool = False):
        self.key = key
        self.attributes = attributes or (key,)
        self.render = render
        super().__init__(attribute=self.attributes[0], column_name=COLUMNS[key], readonly=readonly)

    def get_value(self, instance):
        return tuple(instance.serializable_value(name) for name in self.attributes)

    def export(self, instance, **kwargs) -> str:
        return self.render(instance)

    def save(self, instance, row, is_m2m=False, **kwargs):
        raise NotImplementedError("FactoryTourResource.import_field reads the columns.")


def _simple(key: str) -> TourColumn:
    return TourColumn(key, lambda tour: _text(getattr(tour, key)))


def _yes_no(key: str, yes: str = "可", no: str = "不可") -> TourColumn:
    return TourColumn(key, lambda tour: importing.format_bool(getattr(tour, key), yes=yes, no=no))


# --- The resource ---------------------------------------------------------------------------------------


class FactoryTourResource(resources.ModelResource):
    id = TourColumn("id", lambda tour: _text(tour.pk), readonly=True)
    status = TourColumn("status", lambda tour: LISTING_STATUSES.format_one(tour.status))
    name = _simple("name")
    name_kana = _simple("name_kana")
    company_name = _simple("company_name")
    provider = TourColumn("provider", lambda tour: tour.provider.name if tour.provider_id else "")
    municipality = TourColumn("municipality", lambda tour: tour.municipality.name if tour.municipality_id else "")
    address = _simple("address")
    postcode = _simple("postcode")
    latitude = _simple("latitude")
    longitude = _simple("longitude")
    industry = TourColumn("industry", lambda tour: INDUSTRIES.format_one(tour.industry))
    audiences = TourColumn("audiences", lambda tour: AUDIENCES.format_many(tour.audiences))
    description = _simple("description")
    duration_minutes = _simple("duration_minutes")
    group_min = _simple("group_min")
    group_max = _simple("group_max")
    months = TourColumn("months", lambda tour: importing.format_months(tour.months))
    weekdays = TourColumn("weekdays", lambda tour: importing.format_weekdays(tour.weekdays))
    lead_time_days = _simple("lead_time_days")
    fee = TourColumn(
        "fee", lambda tour: importing.format_fee(tour.fee_kind, tour.fee_amount), attributes=("fee_kind", "fee_amount")
    )
    reservation_required = _yes_no("reservation_required", yes="要", no="不要")
    bus_parking = _yes_no("bus_parking")
    wheelchair_access = _yes_no("wheelchair_access")
    winter_note = _simple("winter_note")
    phone = _simple("phone")
    website = _simple("website")
    confirmed_on = TourColumn("confirmed_on", lambda tour: importing.format_date(tour.confirmed_on))

    class Meta:
        model = FactoryTour
        name = FactoryTour._meta.verbose_name_plural
        fields = tuple(COLUMNS)
        import_order = tuple(COLUMNS)
        export_order = tuple(COLUMNS)
        import_id_fields = ["id"]
        use_transactions = True
        skip_unchanged = True
        report_skipped = True

    def __init__(
        self,
        *,
        organisation=None,
        can_publish: bool = False,
        default_provider=None,
        demo: bool = False,
        **kwargs,
    ):
        """``organisation``: import for this organisation only. ``can_publish``: keep the file's 状態.
        ``default_provider``: provider of new rows whose 提供機関 is blank. ``demo``: rows are demo data
        (``is_demo``), matched only against demo tours. Other keyword arguments (from the admin) are ignored.
        """
        super().__init__()
        self.organisation = organisation
        self.can_publish = can_publish
        self.default_provider = organisation or default_provider
        self.demo = demo
        self.municipalities = MunicipalityReader()
        self.organisations = OrganisationReader()
        self.column_of_field = {name: field.column_name for field in self.fields.values() for name in field.attributes}

    @classmethod
    def get_result_class(cls):
        return ImportResult

    def get_queryset(self):
        queryset = FactoryTour.objects.select_related("municipality", "provider")
        if self.organisation is not None:
            queryset = queryset.filter(provider=self.organisation)
        if self.demo:
            queryset = queryset.filter(is_demo=True)
        return queryset

    # --- Import: the whole file ---

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        """Always in a transaction, rolled back when any row is invalid: all or nothing."""
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True, **kwargs)

    def before_import(self, dataset, **kwargs):
        """Headers in any width or spacing become the canonical ones; unknown, repeated columns and rows
        that describe the same tour twice are file-wide problems."""
        problems = []
        headers = []
        for header in dataset.headers:
            canonical = _KNOWN_HEADERS.get(_header_key(header))
            if canonical is None:
                problems.append(MESSAGES["unknown_column"].format(header=header, allowed=", ".join(COLUMNS.values())))
                headers.append(header)
            elif canonical in headers:
                problems.append(MESSAGES["duplicate_column"].format(header=canonical))
                headers.append(header)
            else:
                headers.append(canonical)
        dataset.headers = headers
        problems += self._repeated_rows(dataset)
        if problems:
            raise ImportFileError(*problems)

    def _repeated_rows(self, dataset) -> list[str]:
        problems = []
        first_line_of_id: dict[int, int] = {}
        first_line_of_tour: dict[tuple[str, str], int] = {}
        for line, row in enumerate(dataset.dict, start=2):
            try:
                tour_id = importing.parse_int(row.get(COLUMNS["id"]), column=COLUMNS["id"], maximum=2**63 - 1)
            except ValueError:
                continue  # reported with its row
            if tour_id is not None:
                if tour_id in first_line_of_id:
                    problems.append(
                        MESSAGES["duplicate_id"].format(line=line, value=tour_id, first=first_line_of_id[tour_id])
                    )
                first_line_of_id.setdefault(tour_id, line)
                continue
            key = (
                importing.parse_text(row.get(COLUMNS["name"])),
                importing.parse_text(row.get(COLUMNS["company_name"])),
            )
            if all(key):
                if key in first_line_of_tour:
                    problems.append(MESSAGES["duplicate_tour"].format(line=line, first=first_line_of_tour[key]))
                first_line_of_tour.setdefault(key, line)
        return problems

    def handle_import_error(self, result, error, raise_errors=False):
        if isinstance(error, ImportFileError) and result is not None:
            for message in error.messages:
                result.append_base_error(FileProblem(ImportFileError(message)))
            return
        super().handle_import_error(result, error, raise_errors)

    # --- Import: one row ---

    def get_instance(self, instance_loader, row):
        """The tour with the row's ID (in scope), else the one with its 施設名 and 企業・団体名, else None."""
        queryset = self.get_queryset()
        raw_id = row.get(COLUMNS["id"])
        try:
            tour_id = importing.parse_int(raw_id, column=COLUMNS["id"], maximum=2**63 - 1)
        except ValueError as error:
            raise ValidationError({COLUMNS["id"]: str(error)}) from None
        if tour_id is not None:
            try:
                return queryset.get(pk=tour_id)
            except FactoryTour.DoesNotExist:
                message = MESSAGES["id_not_found"].format(value=importing.cell_text(raw_id).strip())
                raise ValidationError({COLUMNS["id"]: message}) from None
        name = importing.parse_text(row.get(COLUMNS["name"]))
        company = importing.parse_text(row.get(COLUMNS["company_name"]))
        if not (name and company):
            return None
        matches = list(queryset.filter(name=name, company_name=company)[:2])
        if len(matches) > 1:
            raise ValidationError({COLUMNS["id"]: MESSAGES["ambiguous_tour"].format(name=name, company=company)})
        return matches[0] if matches else None

    def after_init_instance(self, instance, new, row, **kwargs):
        if new:
            instance.status = ListingStatus.DRAFT
            instance.is_demo = self.demo
            if self.default_provider is not None:
                instance.provider = self.default_provider
        if self.organisation is not None:
            instance.provider = self.organisation

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.readonly or field.column_name not in row:
            return
        values = getattr(self, f"read_{field.key}")(row[field.column_name], column=field.column_name)
        for name, value in values.items():
            setattr(instance, name, value)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not any(importing.cell_text(value).strip() for value in row.values()):
            return True  # a blank line
        return super().skip_row(instance, original, row, import_validation_errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The values that could not be read, then the model's ``full_clean`` on the others, as Japanese
        messages keyed by column header."""
        errors: dict[str, list[str]] = {}

        def add(field_name: str, message: str) -> None:
            column = self.column_of_field.get(field_name, NON_FIELD_ERRORS)
            if not any(message in messages for messages in errors.values()):
                errors.setdefault(column, []).append(message)

        excluded = set()
        for name, error_list in (import_validation_errors or {}).items():
            excluded.update(self.fields[self._field_key(name)].attributes)
            for message in ValidationError(error_list).messages:
                add(name, message)
        try:
            instance.full_clean(exclude=excluded, validate_unique=validate_unique)
        except ValidationError as error:
            for name, error_list in error.error_dict.items():
                for model_error in error_list:
                    check = self._cross_field_check(name, model_error, instance)
                    if check and CROSS_FIELD_CHECKS[check] & excluded:
                        continue  # follows from a value that could not be read, already reported
                    add(name, MESSAGES[check] if check else self._model_message(name, model_error, instance))
        if errors:
            order = [*COLUMNS.values(), NON_FIELD_ERRORS]
            raise ValidationError({column: errors[column] for column in order if column in errors})

    def _field_key(self, attribute: str) -> str:
        return next(key for key, field in self.fields.items() if field.attribute == attribute)

    @staticmethod
    def _cross_field_check(name: str, error: ValidationError, instance) -> str | None:
        """Which check of several fields (FactoryTour.clean() and its constraints) an error comes from."""
        text = " ".join(error.messages)
        if error.code == "location" or "factory_tour_location_in_hokkaido" in text:
            return "location"
        group_min, group_max = instance.group_min, instance.group_max
        if name in ("group_max", NON_FIELD_ERRORS) and group_min and group_max and group_min > group_max:
            return "group_size"  # a dict ValidationError loses its code: recognised by the values
        return None

    def _model_message(self, name: str, error: ValidationError, instance) -> str:
        """A Japanese message for one validation error of the model."""
        column = self.column_of_field.get(name, "")
        params = error.params or {}
        with translation.override("ja"):
            text = error.messages[0]
        if error.code in ("blank", "null", "required"):
            return MESSAGES["required"].format(column=column)
        if error.code == "max_length":
            return MESSAGES["max_length"].format(
                column=column, limit=params["limit_value"], length=params["show_value"]
            )
        if name == "website" and error.code == "invalid":
            return MESSAGES["url"].format(column=column, value=instance.website)
        if name == "postcode":
            return importing.MESSAGES["postcode"].format(column=column, value=instance.postcode)
        return MESSAGES["other"].format(column=column, message=text) if column else text

    # --- Readers of the columns: value -> model attributes ---

    def read_status(self, value, *, column):
        if not self.can_publish:
            return {}  # new rows are drafts (after_init_instance), existing ones keep their status
        status = LISTING_STATUSES.one(value, column=column)
        return {"status": status} if status else {}

    def read_name(self, value, *, column):
        return {"name": importing.parse_text(value)}

    def read_name_kana(self, value, *, column):
        return {"name_kana": importing.parse_text(value)}

    def read_company_name(self, value, *, column):
        return {"company_name": importing.parse_text(value)}

    def read_provider(self, value, *, column):
        if self.organisation is not None:
            return {}  # always the importing organisation (after_init_instance)
        organisation = self.organisations(value, column=column)
        return {"provider": organisation} if organisation else {}

    def read_municipality(self, value, *, column):
        municipality = self.municipalities(value, column=column)
        return {"municipality": municipality} if municipality else {"municipality_id": None}

    def read_address(self, value, *, column):
        return {"address": importing.parse_text(value)}

    def read_postcode(self, value, *, column):
        return {"postcode": importing.parse_postcode(value, column=column)}

    def read_latitude(self, value, *, column):
        return {"latitude": importing.parse_decimal(value, column=column, places=6, minimum=41, maximum=46)}

    def read_longitude(self, value, *, column):
        return {"longitude": importing.parse_decimal(value, column=column, places=6, minimum=139, maximum=146)}

    def read_industry(self, value, *, column):
        return {"industry": INDUSTRIES.one(value, column=column)}

    def read_audiences(self, value, *, column):
        return {"audiences": AUDIENCES.many(value, column=column)}

    def read_description(self, value, *, column):
        return {"description": importing.parse_text(value, multiline=True)}

    def read_duration_minutes(self, value, *, column):
        return {"duration_minutes": importing.parse_minutes(value, column=column)}

    def read_group_min(self, value, *, column):
        return {"group_min": importing.parse_int(value, column=column)}

    def read_group_max(self, value, *, column):
        return {"group_max": importing.parse_int(value, column=column)}

    def read_months(self, value, *, column):
        return {"months": importing.parse_months(value, column=column)}

    def read_weekdays(self, value, *, column):
        return {"weekdays": importing.parse_weekdays(value, column=column)}

    def read_lead_time_days(self, value, *, column):
        return {"lead_time_days": importing.parse_days(value, column=column)}

    def read_fee(self, value, *, column):
        kind, amount = importing.parse_fee(value, column=column)
        return {"fee_kind": kind, "fee_amount": amount}

    def read_reservation_required(self, value, *, column):
        return {"reservation_required": importing.parse_bool(value, column=column)}

    def read_bus_parking(self, value, *, column):
        return {"bus_parking": importing.parse_bool(value, column=column)}

    def read_wheelchair_access(self, value, *, column):
        return {"wheelchair_access": importing.parse_bool(value, column=column)}

    def read_winter_note(self, value, *, column):
        return {"winter_note": importing.parse_text(value)}

    def read_phone(self, value, *, column):
        return {"phone": importing.parse_phone(value, column=column)}

    def read_website(self, value, *, column):
        return {"website": importing.parse_url(value)}

    def read_confirmed_on(self, value, *, column):
        return {"confirmed_on": importing.parse_date(value, column=column)}

    # --- Export ---

    def export(self, queryset=None, **kwargs):
        if queryset is None:
            queryset = self.get_queryset()
        return super().export(queryset=queryset.select_related("municipality", "provider"), **kwargs)


def tour_import_options(user) -> dict:
    """The resource arguments for an import by a signed-in user: partner editors import for their own
    organisation only; only users who may publish keep the file's 状態."""
    scoped = not user.has_perm("portal.manage_all_listings")
    return {
        "organisation": user.organisation if scoped else None,
        "can_publish": user.has_perm("programmes.publish_factorytour"),
        "default_provider": user.organisation,
    }
