"""Import and export of senior advisors (シニアアドバイザー) in a Japanese spreadsheet layout, for staff only.

The same tolerant rules as the tours import (programmes/resources.py), with the value readers of
``portal.importing`` (full-width digits, 可/不可, 、・/ between values, 月〜金, 4-10月 …):

- Headers are Japanese (:data:`COLUMNS`), in any order, in any width; a missing column leaves the value as it
  is; an unknown or repeated column is an error of the whole file.
- **Which advisor a row updates.** The one with its ``ID``; without an ID, the one with the same メールアドレス;
  otherwise a new advisor.
- **All or nothing**, after a preview: a file with any bad row writes nothing, and every problem is reported
  as 「3行目: 居住市町村「札幌町」が見つかりません」 (line 1 is the header, as in Excel).
- An export reads back unchanged (``format_*`` writes what ``parse_*`` reads).

The file carries personal data (name, contact): the admin that offers it is staff-only.
"""

import re
import unicodedata

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import translation
from import_export import resources
from import_export.fields import Field

from portal import importing
from portal.importing import (
    INDUSTRIES,
    LINE,
    ChoiceReader,
    FileProblem,
    ImportFileError,
    ImportResult,
    MunicipalityReader,
)
from portal.text import fold
from supporters.models import AdvisorActivity, AdvisorStatus, SeniorAdvisor

COLUMNS = {  # resource field -> column header, in the order of the export
    "id": "ID",
    "name": "氏名",
    "name_kana": "フリガナ",
    "email": "メールアドレス",
    "phone": "電話番号",
    "postal_address": "住所",
    "home_municipality": "居住市町村",
    "areas": "対応地域",
    "travel_radius_km": "移動可能距離（km）",
    "trades": "職種",
    "qualifications": "資格",
    "former_industry": "元の業種",
    "former_employer": "元の勤務先",
    "years_of_experience": "経験年数",
    "activities": "活動内容",
    "available_weekdays": "対応曜日",
    "available_months": "対応月",
    "availability_note": "備考",
    "consent_to_contact": "連絡可",
    "status": "状態",
    "public_summary": "公開用紹介文",
    "summary_approved": "公開承認",
}

MESSAGES = {
    "unknown_column": "1行目: 「{header}」は使えない列です（使える列: {allowed}）",
    "duplicate_column": "1行目: 列「{header}」が2つ以上あります",
    "duplicate_id": "{line}行目: ID「{value}」が{first}行目と重複しています",
    "duplicate_email": "{line}行目: メールアドレス「{value}」が{first}行目と重複しています",
    "id_not_found": "ID「{value}」のアドバイザーが見つかりません",
    "required": "{column}が入力されていません",
    "max_length": "{column}は{limit}文字以内で入力してください（{length}文字あります）",
    "email": "{column}「{value}」はメールアドレスとして正しくありません",
    "area_not_found": "{column}「{value}」が見つかりません（振興局名で入力してください。例: 石狩、上川）",
    "item_too_long": "{column}の「{value}」が長すぎます（1つ{limit}文字以内）",
    "other": "{column}: {message}",
}

ACTIVITY_LABELS_JA = {
    AdvisorActivity.HANDS_ON: "実技指導",
    AdvisorActivity.CAREER_TALK: "職業講話",
    AdvisorActivity.COMPANY_ADVICE: "企業への技術指導",
    AdvisorActivity.EXAM_COACHING: "検定指導",
    AdvisorActivity.LECTURE: "出前講座",
}
ACTIVITY_SYNONYMS = {
    "実技": AdvisorActivity.HANDS_ON,
    "講話": AdvisorActivity.CAREER_TALK,
    "キャリア講話": AdvisorActivity.CAREER_TALK,
    "技術指導": AdvisorActivity.COMPANY_ADVICE,
    "技術相談": AdvisorActivity.COMPANY_ADVICE,
    "検定対策": AdvisorActivity.EXAM_COACHING,
    "技能検定指導": AdvisorActivity.EXAM_COACHING,
    "講義": AdvisorActivity.LECTURE,
}
ADVISOR_STATUS_LABELS_JA = {
    AdvisorStatus.APPLIED: "審査待ち",
    AdvisorStatus.ACTIVE: "活動中",
    AdvisorStatus.PAUSED: "休止中",
    AdvisorStatus.RETIRED: "登録終了",
}
ADVISOR_STATUS_SYNONYMS = {"申請中": AdvisorStatus.APPLIED, "有効": AdvisorStatus.ACTIVE, "休止": AdvisorStatus.PAUSED}

ACTIVITIES = ChoiceReader(AdvisorActivity, ACTIVITY_LABELS_JA, ACTIVITY_SYNONYMS)
ADVISOR_STATUSES = ChoiceReader(AdvisorStatus, ADVISOR_STATUS_LABELS_JA, ADVISOR_STATUS_SYNONYMS)

# Free-text lists (trades, qualifications): 、 , ・ / between values (not spaces: 技能検定 1級 is one value).
_ITEM_SEPARATORS = re.compile(r"[,、・/\n]+")
_ITEM_MAX_LENGTH = 60


def _header_key(header) -> str:
    return fold(importing.cell_text(header)).replace(" ", "")


_KNOWN_HEADERS = {_header_key(header): header for header in COLUMNS.values()}


def _text(value) -> str:
    return "" if value is None else str(value)


def parse_items(value, *, column: str) -> list[str]:
    """旋盤、フライス盤・ＮＣ加工 → ["旋盤", "フライス盤", "NC加工"] (NFKC, without repeats, in order)."""
    text = unicodedata.normalize("NFKC", importing.cell_text(value))
    items = []
    for item in _ITEM_SEPARATORS.split(text):
        item = importing.parse_text(item)
        if not item or item in items:
            continue
        if len(item) > _ITEM_MAX_LENGTH:
            raise ValueError(MESSAGES["item_too_long"].format(column=column, value=item, limit=_ITEM_MAX_LENGTH))
        items.append(item)
    return items


def format_items(items: list[str]) -> str:
    return "、".join(items)


class AreaReader:
    """Subprefectures by name (石狩振興局, 空知総合振興局) or short name (石狩, 空知), several separated by 、・/."""

    def __init__(self):
        self._lookup = None

    def __call__(self, value, *, column: str) -> list:
        from portal.models import Subprefecture

        if self._lookup is None:
            self._lookup = {}
            for area in Subprefecture.objects.all():
                self._lookup[fold(area.name)] = area
                self._lookup[fold(area.name.removesuffix("総合振興局").removesuffix("振興局"))] = area
        found = []
        for token in _ITEM_SEPARATORS.split(unicodedata.normalize("NFKC", importing.cell_text(value))):
            token = fold(token).replace(" ", "")
            if not token:
                continue
            if token not in self._lookup:
                raise ValueError(MESSAGES["area_not_found"].format(column=column, value=token))
            if self._lookup[token] not in found:
                found.append(self._lookup[token])
        return found


def format_areas(advisor) -> str:
    areas = getattr(advisor, "_import_areas", None)
    if areas is None:
        areas = advisor.areas.all() if advisor.pk else []
    return "、".join(area.short_name for area in areas)


class AdvisorImportResult(ImportResult):
    """File lines as row numbers; :meth:`messages` in Japanese (see programmes.resources)."""


class AdvisorColumn(Field):
    """One column: read by ``SeniorAdvisorResource.read_<key>``, written by ``render``."""

    def __init__(self, key: str, render, *, readonly: bool = False):
        self.key = key
        self.render = render
        super().__init__(attribute=key, column_name=COLUMNS[key], readonly=readonly)

    def get_value(self, instance):
        if self.key == "areas":
            pending = getattr(instance, "_import_areas", None)
            if pending is not None:
                return sorted(area.pk for area in pending)
            return sorted(instance.areas.values_list("pk", flat=True)) if instance.pk else []
        return instance.serializable_value(self.key)

    def export(self, instance, **kwargs) -> str:
        return self.render(instance)

    def save(self, instance, row, is_m2m=False, **kwargs):
        raise NotImplementedError("SeniorAdvisorResource.import_field reads the columns.")


def _simple(key: str) -> AdvisorColumn:
    return AdvisorColumn(key, lambda advisor: _text(getattr(advisor, key)))


def _yes_no(key: str) -> AdvisorColumn:
    return AdvisorColumn(key, lambda advisor: importing.format_bool(getattr(advisor, key)))


class SeniorAdvisorResource(resources.ModelResource):
    id = AdvisorColumn("id", lambda advisor: _text(advisor.pk), readonly=True)
    name = _simple("name")
    name_kana = _simple("name_kana")
    email = _simple("email")
    phone = _simple("phone")
    postal_address = _simple("postal_address")
    home_municipality = AdvisorColumn(
        "home_municipality", lambda a: a.home_municipality.name if a.home_municipality_id else ""
    )
    areas = AdvisorColumn("areas", format_areas)
    travel_radius_km = _simple("travel_radius_km")
    trades = AdvisorColumn("trades", lambda advisor: format_items(advisor.trades))
    qualifications = AdvisorColumn("qualifications", lambda advisor: format_items(advisor.qualifications))
    former_industry = AdvisorColumn("former_industry", lambda advisor: INDUSTRIES.format_one(advisor.former_industry))
    former_employer = _simple("former_employer")
    years_of_experience = _simple("years_of_experience")
    activities = AdvisorColumn("activities", lambda advisor: ACTIVITIES.format_many(advisor.activities))
    available_weekdays = AdvisorColumn(
        "available_weekdays", lambda advisor: importing.format_weekdays(advisor.available_weekdays)
    )
    available_months = AdvisorColumn(
        "available_months", lambda advisor: importing.format_months(advisor.available_months)
    )
    availability_note = _simple("availability_note")
    consent_to_contact = _yes_no("consent_to_contact")
    status = AdvisorColumn("status", lambda advisor: ADVISOR_STATUSES.format_one(advisor.status))
    public_summary = _simple("public_summary")
    summary_approved = _yes_no("summary_approved")

    class Meta:
        model = SeniorAdvisor
        name = SeniorAdvisor._meta.verbose_name_plural
        fields = tuple(COLUMNS)
        import_order = tuple(COLUMNS)
        export_order = tuple(COLUMNS)
        import_id_fields = ["id"]
        use_transactions = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, *, demo: bool = False, **kwargs):
        """``demo``: rows are demo data, matched only against demo advisors. Other arguments are ignored."""
        super().__init__()
        self.demo = demo
        self.municipalities = MunicipalityReader()
        self.area_reader = AreaReader()

    @classmethod
    def get_result_class(cls):
        return AdvisorImportResult

    def get_queryset(self):
        queryset = SeniorAdvisor.objects.select_related("home_municipality").prefetch_related("areas")
        return queryset.filter(is_demo=True) if self.demo else queryset

    # --- Import: the whole file ---

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        """Always in a transaction, rolled back when any row is invalid: all or nothing."""
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True, **kwargs)

    def before_import(self, dataset, **kwargs):
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
        first_line: dict[tuple[str, object], int] = {}
        for line, row in enumerate(dataset.dict, start=2):
            try:
                advisor_id = importing.parse_int(row.get(COLUMNS["id"]), column=COLUMNS["id"], maximum=2**63 - 1)
            except ValueError:
                continue  # reported with its row
            if advisor_id is not None:
                key, kind, value = ("id", advisor_id), "duplicate_id", advisor_id
            else:
                email = importing.parse_text(row.get(COLUMNS["email"])).lower()
                if not email:
                    continue
                key, kind, value = ("email", email), "duplicate_email", email
            if key in first_line:
                problems.append(MESSAGES[kind].format(line=line, value=value, first=first_line[key]))
            first_line.setdefault(key, line)
        return problems

    def handle_import_error(self, result, error, raise_errors=False):
        if isinstance(error, ImportFileError) and result is not None:
            for message in error.messages:
                result.append_base_error(FileProblem(ImportFileError(message)))
            return
        super().handle_import_error(result, error, raise_errors)

    # --- Import: one row ---

    def get_instance(self, instance_loader, row):
        queryset = self.get_queryset()
        raw_id = row.get(COLUMNS["id"])
        try:
            advisor_id = importing.parse_int(raw_id, column=COLUMNS["id"], maximum=2**63 - 1)
        except ValueError as error:
            raise ValidationError({COLUMNS["id"]: str(error)}) from None
        if advisor_id is not None:
            try:
                return queryset.get(pk=advisor_id)
            except SeniorAdvisor.DoesNotExist:
                message = MESSAGES["id_not_found"].format(value=importing.cell_text(raw_id).strip())
                raise ValidationError({COLUMNS["id"]: message}) from None
        email = importing.parse_text(row.get(COLUMNS["email"]))
        if not email:
            return None
        return queryset.filter(email__iexact=email).order_by("pk").first()

    def after_init_instance(self, instance, new, row, **kwargs):
        if new:
            instance.is_demo = self.demo

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.readonly or field.column_name not in row:
            return
        values = getattr(self, f"read_{field.key}")(row[field.column_name], column=field.column_name)
        for name, value in values.items():
            setattr(instance, name, value)

    def save_m2m(self, instance, row, **kwargs):
        pending = getattr(instance, "_import_areas", None)
        if pending is not None:
            instance.areas.set(pending)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not any(importing.cell_text(value).strip() for value in row.values()):
            return True  # a blank line
        return super().skip_row(instance, original, row, import_validation_errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Values that could not be read, then the model's ``full_clean``: Japanese messages by column."""
        errors: dict[str, list[str]] = {}

        def add(column: str, message: str) -> None:
            if not any(message in messages for messages in errors.values()):
                errors.setdefault(column, []).append(message)

        excluded = set()
        for name, error_list in (import_validation_errors or {}).items():
            excluded.add(name)
            for message in ValidationError(error_list).messages:
                add(COLUMNS.get(name, NON_FIELD_ERRORS), message)
        excluded.add("areas")
        try:
            instance.full_clean(exclude=excluded, validate_unique=validate_unique)
        except ValidationError as error:
            for name, error_list in error.error_dict.items():
                for model_error in error_list:
                    add(COLUMNS.get(name, NON_FIELD_ERRORS), self._model_message(name, model_error, instance))
        if errors:
            order = [*COLUMNS.values(), NON_FIELD_ERRORS]
            raise ValidationError({column: errors[column] for column in order if column in errors})

    @staticmethod
    def _model_message(name: str, error: ValidationError, instance) -> str:
        column = COLUMNS.get(name, "")
        params = error.params or {}
        with translation.override("ja"):
            text = error.messages[0]
        if error.code in ("blank", "null", "required"):
            return MESSAGES["required"].format(column=column)
        if error.code == "max_length" and "limit_value" in params:
            return MESSAGES["max_length"].format(
                column=column, limit=params["limit_value"], length=params["show_value"]
            )
        if name == "email" and error.code == "invalid":
            return MESSAGES["email"].format(column=column, value=instance.email)
        return MESSAGES["other"].format(column=column, message=text) if column else text

    # --- Readers of the columns: value -> model attributes ---

    def read_name(self, value, *, column):
        return {"name": importing.parse_text(value)}

    def read_name_kana(self, value, *, column):
        return {"name_kana": importing.parse_text(value)}

    def read_email(self, value, *, column):
        return {"email": unicodedata.normalize("NFKC", importing.parse_text(value)).replace(" ", "")}

    def read_phone(self, value, *, column):
        return {"phone": importing.parse_phone(value, column=column)}

    def read_postal_address(self, value, *, column):
        return {"postal_address": importing.parse_text(value)}

    def read_home_municipality(self, value, *, column):
        municipality = self.municipalities(value, column=column)
        return {"home_municipality": municipality} if municipality else {"home_municipality_id": None}

    def read_areas(self, value, *, column):
        return {"_import_areas": self.area_reader(value, column=column)}

    def read_travel_radius_km(self, value, *, column):
        radius = importing.parse_int(value, column=column, maximum=1000, units="km ")
        return {"travel_radius_km": 50 if radius is None else radius}

    def read_trades(self, value, *, column):
        return {"trades": parse_items(value, column=column)}

    def read_qualifications(self, value, *, column):
        return {"qualifications": parse_items(value, column=column)}

    def read_former_industry(self, value, *, column):
        return {"former_industry": INDUSTRIES.one(value, column=column)}

    def read_former_employer(self, value, *, column):
        return {"former_employer": importing.parse_text(value)}

    def read_years_of_experience(self, value, *, column):
        return {"years_of_experience": importing.parse_int(value, column=column, maximum=80, units="年以上 ")}

    def read_activities(self, value, *, column):
        return {"activities": ACTIVITIES.many(value, column=column)}

    def read_available_weekdays(self, value, *, column):
        return {"available_weekdays": importing.parse_weekdays(value, column=column)}

    def read_available_months(self, value, *, column):
        return {"available_months": importing.parse_months(value, column=column)}

    def read_availability_note(self, value, *, column):
        return {"availability_note": importing.parse_text(value)}

    def read_consent_to_contact(self, value, *, column):
        return {"consent_to_contact": bool(importing.parse_bool(value, column=column))}

    def read_status(self, value, *, column):
        status = ADVISOR_STATUSES.one(value, column=column)
        return {"status": status} if status else {}

    def read_public_summary(self, value, *, column):
        return {"public_summary": importing.parse_text(value)}

    def read_summary_approved(self, value, *, column):
        return {"summary_approved": bool(importing.parse_bool(value, column=column))}

    # --- Export ---

    def export(self, queryset=None, **kwargs):
        if queryset is None:
            queryset = self.get_queryset()
        queryset = queryset.select_related("home_municipality").prefetch_related("areas")
        return super().export(queryset=queryset, **kwargs)


__all__ = ["COLUMNS", "LINE", "SeniorAdvisorResource"]
