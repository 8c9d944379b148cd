"""Reading the spreadsheets people fill in by hand: shared by every import of the portal.

Two halves:

- **Files.** :func:`read_csv` decodes CSV as Excel writes it (UTF-8 with or without BOM, or Shift_JIS/cp932)
  and :func:`read_xlsx` reads the first sheet of an Excel book; both give a ``tablib.Dataset`` whose row
  *n* is row *n + 1* as Excel numbers them (the header is row 1; blank rows are kept, a cell with line
  breaks does not count extra), so that errors can name the line ("3行目") a person sees in Excel.
  :class:`CSVFormat` and :class:`XLSXFormat` plug them into django-import-export, so the admin and the
  management commands read files the same way.
- **Values.** ``parse_*`` functions read values the way people type them (full-width digits, stray spaces,
  令和 dates, 可/不可, 4～10月, 月〜金 …) and ``format_*`` functions write them back in a form the parsers
  read again unchanged, so that an export can be imported as it is.

The import format is Japanese by specification: its error messages are Japanese text kept in
:data:`MESSAGES` and :data:`FILE_MESSAGES` below, not gettext msgids. Parsers raise ``ValueError`` with such
a message; the caller adds the line number (:data:`LINE`).
"""

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import tablib
from django.db import models
from import_export.formats import base_formats
from import_export.results import Error, Result

from portal.choices import Audience, FeeKind, Industry, ListingStatus
from portal.dates import ERAS, WEEKDAYS_JA
from portal.text import fold

# --- The Japanese text of the import format -------------------------------------------------------------

LINE = "{line}行目: {message}"

MESSAGES = {
    "integer": "{column}「{value}」は0以上の整数で入力してください",
    "too_large": "{column}「{value}」は{maximum}以下にしてください",
    "decimal": "{column}「{value}」は数値で入力してください",
    "out_of_range": "{column}「{value}」は{minimum}〜{maximum}の範囲で入力してください",
    "boolean": (
        "{column}「{value}」が読めません（可／不可、有／無、あり／なし、○／×、要／不要、yes／no、1／0 の"
        "いずれかで入力してください）"
    ),
    "date": "{column}「{value}」が日付として読めません（2026-04-01、2026/4/1、令和8年4月1日 のように入力してください）",
    "no_such_date": "{column}「{value}」は存在しない日付です",
    "months": "{column}「{value}」が読めません（通年、4-10、4～10月、5,6,7 のように1〜12の月で入力してください）",
    "weekdays": "{column}「{value}」が読めません（月〜金、平日、土日、月・水・金 のように入力してください）",
    "duration": "{column}「{value}」が読めません（60、90分、1時間30分 のように入力してください）",
    "days": "{column}「{value}」が読めません（7、7日前、1週間前 のように入力してください）",
    "choice": "{column}「{value}」は使えない値です（使える値: {allowed}）",
    "one_choice": "{column}は1つだけ入力してください（「{value}」）",
    "fee": "{column}「{value}」が読めません（無料、有料、500、500円 のように入力してください）",
    "postcode": "{column}「{value}」は 060-0001 のように7桁で入力してください",
    "phone": "{column}「{value}」は 011-123-4567 のように入力してください",
    "not_found": "{column}「{value}」が見つかりません",
    "row_failed": "保存できませんでした（{error}）",
    "failed": "取り込めませんでした（{error}）",
    "ambiguous": "{column}「{value}」に当てはまるものが複数あります",
}

FILE_MESSAGES = {
    "empty": "ファイルが空です",
    "no_rows": "見出し行（1行目）の下にデータがありません",
    "undecodable": (
        "ファイルの文字コードを判別できません。UTF-8、または Excel の「CSV（コンマ区切り）」（Shift_JIS）で"
        "保存し直してください"
    ),
    "broken_utf8": "{line}行目に UTF-8 として読めない文字があります。ファイルが壊れていないか確認してください",
    "xlsx_as_csv": "このファイルは Excel ブック（.xlsx）です。形式に xlsx を選んでください",
    "xls": "古い Excel 形式（.xls）には対応していません。.xlsx または CSV で保存し直してください",
    "not_csv": "CSV ファイルとして読めません（{line}行目）",
    "not_xlsx": "Excel ブック（.xlsx）として読めません。ファイルが壊れていないか確認してください",
    "blank_header": "1行目: {position}列目の見出しが空ですが、その列に値があります",
    "extra_cells": "{line}行目: 見出しのない列に値があります",
}


class ImportFileError(Exception):
    """A file that cannot be read, or whose header is wrong; its messages are for the person importing."""

    def __init__(self, *messages: str):
        super().__init__("\n".join(messages))
        self.messages = list(messages)


# --- Japanese labels of the shared vocabulary (the import format writes and reads these) ---------------

AUDIENCE_LABELS_JA = {
    Audience.ELEMENTARY: "小学生",
    Audience.JUNIOR_HIGH: "中学生",
    Audience.HIGH_SCHOOL: "高校生",
    Audience.UNIVERSITY: "高専・大学生",
    Audience.TEACHER: "教職員",
    Audience.PARENT: "保護者",
    Audience.GENERAL: "一般・若者",
}
INDUSTRY_LABELS_JA = {
    Industry.FOOD: "食品",
    Industry.BEVERAGE: "飲料",
    Industry.CONFECTIONERY: "菓子",
    Industry.DAIRY: "乳製品",
    Industry.BREWING: "醸造",
    Industry.PAPER: "紙・パルプ",
    Industry.AUTOMOTIVE: "自動車",
    Industry.STEEL: "鉄鋼",
    Industry.MACHINERY: "機械",
    Industry.ELECTRONICS: "電子・電機",
    Industry.CHEMICALS: "化学",
    Industry.WOOD: "木材・木製品",
    Industry.ENERGY: "エネルギー",
    Industry.CONSTRUCTION: "建設",
    Industry.SHIPBUILDING: "造船",
    Industry.PRINTING: "印刷",
    Industry.OTHER: "その他",
}
LISTING_STATUS_LABELS_JA = {
    ListingStatus.DRAFT: "下書き",
    ListingStatus.PENDING_REVIEW: "審査待ち",
    ListingStatus.PUBLISHED: "公開中",
    ListingStatus.ARCHIVED: "公開終了",
}
# Other words people use for the same thing (read, never written).
AUDIENCE_SYNONYMS = {
    "大学生": Audience.UNIVERSITY,
    "高専生": Audience.UNIVERSITY,
    "教員": Audience.TEACHER,
    "教師": Audience.TEACHER,
    "一般": Audience.GENERAL,
    "若者": Audience.GENERAL,
}
INDUSTRY_SYNONYMS = {
    "食料品": Industry.FOOD,
    "製菓": Industry.CONFECTIONERY,
    "乳業": Industry.DAIRY,
    "酒造": Industry.BREWING,
    "製紙": Industry.PAPER,
    "電機": Industry.ELECTRONICS,
}


# --- Files ---------------------------------------------------------------------------------------------

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def decode_csv_bytes(data: bytes) -> str:
    """The text of a CSV file in UTF-8 (with or without BOM) or in Shift_JIS as Excel writes it (cp932).

    UTF-8 is tried first, strictly: Japanese text in cp932 practically never forms valid UTF-8. A file
    that is mostly valid UTF-8 with a few broken bytes is reported as such rather than read as cp932.
    """
    if not data.strip():
        raise ImportFileError(FILE_MESSAGES["empty"])
    if data.startswith(_ZIP_MAGIC):
        raise ImportFileError(FILE_MESSAGES["xlsx_as_csv"])
    if data.startswith(_OLE_MAGIC):
        raise ImportFileError(FILE_MESSAGES["xls"])
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ImportFileError(FILE_MESSAGES["undecodable"]) from error
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        utf8_error = error
    lenient = data.decode("utf-8", errors="replace")
    broken = lenient.count("\ufffd")
    non_ascii = sum(1 for char in lenient if ord(char) > 0x7F)
    if non_ascii - broken > broken * 4:  # far more good multi-byte characters than bad ones
        raise ImportFileError(FILE_MESSAGES["broken_utf8"].format(line=_line_of(data, utf8_error.start)))
    try:
        return data.decode("cp932")
    except UnicodeDecodeError as error:
        raise ImportFileError(FILE_MESSAGES["undecodable"]) from error


def _dataset(header: list, rows: list[list]) -> tablib.Dataset:
    """A Dataset from a header and rows: blank-headed empty columns and trailing blank rows dropped."""
    header = [cell_text(cell).strip() for cell in header]
    width = len(header)
    for line, row in enumerate(rows, start=2):
        if len(row) > width:
            if any(cell_text(cell).strip() for cell in row[width:]):
                raise ImportFileError(FILE_MESSAGES["extra_cells"].format(line=line))
            del row[width:]
        row.extend([""] * (width - len(row)))
    keep = []
    for index, name in enumerate(header):
        if name:
            keep.append(index)
        elif any(cell_text(row[index]).strip() for row in rows):
            raise ImportFileError(FILE_MESSAGES["blank_header"].format(position=index + 1))
    while rows and not any(cell_text(cell).strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise ImportFileError(FILE_MESSAGES["no_rows"])
    dataset = tablib.Dataset(headers=[header[index] for index in keep])
    for row in rows:
        dataset.append([row[index] for index in keep])
    return dataset


def read_csv(data: bytes) -> tablib.Dataset:
    """A CSV file (see :func:`decode_csv_bytes`) as a Dataset of strings; row n is line n + 1."""
    text = decode_csv_bytes(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = list(reader)
    except csv.Error as error:
        raise ImportFileError(FILE_MESSAGES["not_csv"].format(line=reader.line_num)) from error
    if not records or not any(cell.strip() for cell in records[0]):
        raise ImportFileError(FILE_MESSAGES["empty"])
    return _dataset(records[0], records[1:])


def read_xlsx(data: bytes) -> tablib.Dataset:
    """The first sheet of an Excel book as a Dataset: cells keep their types (numbers, dates)."""
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    if data.startswith(_OLE_MAGIC):
        raise ImportFileError(FILE_MESSAGES["xls"])
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as error:
        raise ImportFileError(FILE_MESSAGES["not_xlsx"]) from error
    try:
        records = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
    if not records or not any(cell_text(cell).strip() for cell in records[0]):
        raise ImportFileError(FILE_MESSAGES["empty"])
    return _dataset(records[0], records[1:])


def read_upload(data: bytes, *, file_name: str) -> tablib.Dataset:
    """A CSV or XLSX file, told apart by its name (``.xlsx``/``.xlsm``) or its content (a ZIP archive)."""
    if file_name.lower().endswith((".xlsx", ".xlsm")) or data.startswith(_ZIP_MAGIC):
        return read_xlsx(data)
    return read_csv(data)


def write_xlsx(dataset: tablib.Dataset) -> bytes:
    """An Excel book of one sheet; text starting with "=" stays text (never a formula)."""
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = (dataset.title or "data")[:31]
    for values in [dataset.headers or [], *dataset]:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value for value in values])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


class CSVFormat(base_formats.CSV):
    """CSV as Excel writes it. Read as bytes (the encoding is detected); written as UTF-8 with a BOM,
    which Excel opens correctly."""

    CONTENT_TYPE = "text/csv; charset=utf-8"

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, str):
            in_stream = in_stream.encode("utf-8")
        return read_csv(in_stream)

    def export_data(self, dataset, **kwargs):
        return codecs.BOM_UTF8 + dataset.export("csv").encode("utf-8")


class XLSXFormat(base_formats.XLSX):
    """Excel books, read with :func:`read_xlsx` and written with :func:`write_xlsx`."""

    def create_dataset(self, in_stream, **kwargs):
        return read_xlsx(in_stream)

    def export_data(self, dataset, **kwargs):
        return write_xlsx(dataset)


# --- Values ---------------------------------------------------------------------------------------------

_HALF_WIDTH_KANA = re.compile(r"[\uff61-\uff9f]+")
_SPACES = re.compile(r"[ \t\u3000]+")
# Dashes and waves people type between numbers; NFKC leaves these alone.
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−ーｰ", "-") | dict.fromkeys("〜～", "~"))
_LIST_SEPARATORS = re.compile(r"[,、・/\s]+")


def cell_text(value) -> str:
    """A cell as text: numbers from spreadsheets without a trailing .0, dates as 2026-04-01."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _plain(value) -> str:
    """NFKC (full-width digits and letters to ASCII), unified dashes and waves, stripped."""
    return unicodedata.normalize("NFKC", cell_text(value)).translate(_DASHES).strip()


def _error(key: str, column: str, value, **params) -> ValueError:
    return ValueError(MESSAGES[key].format(column=column, value=cell_text(value).strip(), **params))


def parse_text(value, *, multiline: bool = False) -> str:
    """Free text: half-width katakana made full-width, stray spaces removed; everything else as typed.

    A one-line value has its runs of spaces (also full-width ones and line breaks) folded into one space.
    """
    text = _HALF_WIDTH_KANA.sub(lambda match: unicodedata.normalize("NFKC", match.group()), cell_text(value))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if multiline:
        return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n")).strip()
    return _SPACES.sub(" ", text.replace("\n", " ")).strip()


def parse_url(value) -> str:
    """A web address; ``www.example.jp`` gets ``https://``. Checked by the model's URLField."""
    text = unicodedata.normalize("NFKC", cell_text(value)).strip()
    if text.lower().startswith("www."):
        text = f"https://{text}"
    return text


def parse_int(value, *, column: str, maximum: int = 32767, units: str = "人名分日円件") -> int | None:
    """0, 12, "１２", "12人", "1,000円", "約60分" → int; blank → None."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = _plain(value).removeprefix("約").rstrip(units).strip()
        if not text:
            return None
        if re.fullmatch(r"\d{1,3}(,\d{3})+", text):
            text = text.replace(",", "")
        if not text.isdigit():
            raise _error("integer", column, value)
        number = int(text)
    if number < 0:
        raise _error("integer", column, value)
    if number > maximum:
        raise _error("too_large", column, value, maximum=maximum)
    return number


def parse_decimal(value, *, column: str, places: int, minimum: int, maximum: int) -> Decimal | None:
    """43.062089, "４３．０６２０８９" → Decimal rounded to ``places``; blank → None."""
    text = _plain(value).rstrip("°").strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _error("decimal", column, value) from None
    if not number.is_finite():
        raise _error("decimal", column, value)
    if not minimum <= number <= maximum:
        raise _error("out_of_range", column, value, minimum=minimum, maximum=maximum)
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


TRUE_WORDS = frozenset(
    {"可", "可能", "有", "有り", "あり", "○", "◯", "〇", "要", "必要", "はい", "yes", "y", "true", "1"}
)
FALSE_WORDS = frozenset(
    {"不可", "不可能", "無", "無し", "なし", "×", "✕", "✖", "不要", "いいえ", "no", "n", "false", "0"}
)


def parse_bool(value, *, column: str) -> bool | None:
    """可/不可, 有/無, あり/なし, ○/×, 要/不要, yes/no, 1/0 → True/False; blank → None (unknown)."""
    if isinstance(value, bool):
        return value
    text = _plain(value).lower()
    if not text:
        return None
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise _error("boolean", column, value)


def format_bool(value: bool | None, *, yes: str = "可", no: str = "不可") -> str:
    return "" if value is None else yes if value else no


_ERA_LETTERS = {"R": "令和", "H": "平成", "S": "昭和", "T": "大正", "M": "明治"}
_WESTERN_DATE = re.compile(r"(\d{4})(?:[-/.]|年)(\d{1,2})(?:[-/.]|月)(\d{1,2})日?")
_ERA_DATE = re.compile(
    r"(令和|平成|昭和|大正|明治|[RHSTM])\s*(元|\d{1,2})\s*(?:[-/.]|年)(\d{1,2})(?:[-/.]|月)(\d{1,2})日?"
)
_TRAILING_WEEKDAY = re.compile(r"\s*\((?:[月火水木金土日]|[a-z]{3})\)$", re.IGNORECASE)


def parse_date(value, *, column: str) -> dt.date | None:
    """2026-04-01, 2026/4/1, 2026年4月1日(水), 令和8年4月1日, R8.4.1, or a date cell → date; blank → None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _TRAILING_WEEKDAY.sub("", _plain(value).replace(" ", ""))
    if not text:
        return None
    if match := _WESTERN_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise _error("no_such_date", column, value) from None
    if match := _ERA_DATE.fullmatch(text.upper() if text[0].isascii() else text):
        era_name, era_year, month, day = match.groups()
        era_name = _ERA_LETTERS.get(era_name, era_name)
        index = next(i for i, era in enumerate(ERAS) if era.name == era_name)
        era = ERAS[index]
        year = era.start.year + (1 if era_year == "元" else int(era_year)) - 1
        try:
            date = dt.date(year, int(month), int(day))
        except ValueError:
            raise _error("no_such_date", column, value) from None
        if date < era.start or (index > 0 and date >= ERAS[index - 1].start):
            raise _error("no_such_date", column, value)
        return date
    raise _error("date", column, value)


def format_date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


_ALL_YEAR = frozenset({"通年", "年中", "通年可", "全月", "毎月"})


def parse_months(value, *, column: str) -> list[int]:
    """通年, 4-10, 4～10月, 4月〜10月, 11-3 (over the new year), 5,6,7, ５・６月 → sorted months.

    Blank, 通年 and all twelve months give [] (all year round).
    """
    text = _plain(value)
    if not text or text in _ALL_YEAR:
        return []
    text = text.replace("月", "").replace("から", "~").replace("-", "~")
    months = set()
    for token in _LIST_SEPARATORS.split(text):
        if not token:
            continue
        match = re.fullmatch(r"(\d{1,2})(?:~(\d{1,2}))?", token)
        if not match:
            raise _error("months", column, value)
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) else first
        if not (1 <= first <= 12 and 1 <= last <= 12):
            raise _error("months", column, value)
        if first <= last:
            months.update(range(first, last + 1))
        else:  # 11-3: November to March
            months.update([*range(first, 13), *range(1, last + 1)])
    if not months:
        raise _error("months", column, value)
    return [] if len(months) == 12 else sorted(months)


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for number in sorted(numbers):
        if runs and number == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs


def format_months(months: list[int]) -> str:
    """[] → 通年, [4, …, 10] → 4-10, [5, 6, 7, 11] → 5-7,11."""
    if not months:
        return "通年"
    return ",".join(str(first) if first == last else f"{first}-{last}" for first, last in _runs(months))


_ANY_DAY = frozenset({"毎日", "全日", "無休", "年中無休", "曜日問わず", "いつでも"})


def parse_weekdays(value, *, column: str) -> list[int]:
    """月〜金, 平日, 土日, 土日祝, 月・水・金, 月曜日 → sorted weekdays, 0 = Monday … 6 = Sunday.

    Blank, 毎日 and all seven days give [] (any day). Public holidays (祝, 祝日) cannot be stored and are
    left out.
    """
    text = _plain(value).replace(" ", "")
    if not text or text in _ANY_DAY:
        return []
    for word, replacement in (("曜日", ""), ("曜", ""), ("祝日", ""), ("祝", ""), ("平日", "月~金"), ("から", "~")):
        text = text.replace(word, replacement)
    days: set[int] = set()
    previous: int | None = None
    in_range = False
    for char in text:
        if char in WEEKDAYS_JA:
            day = WEEKDAYS_JA.index(char)
            if in_range:
                span = (day - previous) % 7
                days.update((previous + step) % 7 for step in range(span + 1))
                in_range = False
            days.add(day)
            previous = day
        elif char in "~-" and previous is not None and not in_range:
            in_range = True
        elif char in ",、・/" and not in_range:
            continue
        else:
            raise _error("weekdays", column, value)
    if in_range or not days:
        raise _error("weekdays", column, value)
    return [] if len(days) == 7 else sorted(days)


def format_weekdays(weekdays: list[int]) -> str:
    """[] → "" (any day), [0, …, 4] → 月〜金, [5, 6] → 土・日, [0, 2, 4] → 月・水・金."""
    parts = []
    for first, last in _runs(weekdays):
        if last - first >= 2:
            parts.append(f"{WEEKDAYS_JA[first]}〜{WEEKDAYS_JA[last]}")
        else:
            parts.extend(WEEKDAYS_JA[day] for day in range(first, last + 1))
    return "・".join(parts)


def parse_minutes(value, *, column: str) -> int | None:
    """60, ６０分, 約60分, 1時間, 1時間30分, 1.5時間 → minutes; blank → None."""
    text = _plain(value).removeprefix("約").replace(" ", "")
    if not text:
        return None
    if match := re.fullmatch(r"(\d+(?:\.\d+)?)時間(?:(\d+)分)?", text):
        minutes = Decimal(match.group(1)) * 60 + int(match.group(2) or 0)
        if minutes != minutes.to_integral_value():
            raise _error("duration", column, value)
        return parse_int(int(minutes), column=column)
    try:
        return parse_int(text, column=column, units="分")
    except ValueError:
        raise _error("duration", column, value) from None


def parse_days(value, *, column: str) -> int | None:
    """7, ７日前, 7日, 1週間前, 2週間, 前日, 当日 → days before the visit; blank → None."""
    text = _plain(value).replace(" ", "").removesuffix("まで")
    if not text:
        return None
    if text in ("当日", "前日"):
        return 0 if text == "当日" else 1
    text = text.removesuffix("前")
    if match := re.fullmatch(r"(\d+)週間", text):
        return parse_int(int(match.group(1)) * 7, column=column)
    try:
        return parse_int(text, column=column, units="日")
    except ValueError:
        raise _error("days", column, value) from None


_FREE_WORDS = frozenset({"無料", "無償", "free", "0", "0円"})
_PAID_WORDS = frozenset({"有料", "有償", "paid"})
_UNKNOWN_FEE_WORDS = frozenset({"要問合せ", "要問い合わせ", "問合せ", "問い合わせ", "未定", "不明", "unknown"})


def parse_fee(value, *, column: str) -> tuple[str, int | None]:
    """無料 → (free, None); 有料 → (paid, None); 500, ５００円, 1人500円 → (paid, 500); blank → (unknown, None)."""
    text = _plain(value).replace(" ", "").lower()
    if not text or text in _UNKNOWN_FEE_WORDS:
        return FeeKind.UNKNOWN, None
    if text in _FREE_WORDS:
        return FeeKind.FREE, None
    if text in _PAID_WORDS:
        return FeeKind.PAID, None
    text = re.sub(r"^(1人|1名|一人|お1人様?)(あたり)?", "", text).removesuffix("/人").removesuffix("(税込)")
    try:
        amount = parse_int(text, column=column, maximum=10_000_000, units="円")
    except ValueError:
        raise _error("fee", column, value) from None
    if amount is None:
        raise _error("fee", column, value)
    if amount == 0:
        return FeeKind.FREE, None
    return FeeKind.PAID, amount


def format_fee(kind: str, amount: int | None) -> str:
    """(free, None) → 無料, (paid, 500) → 500円, (paid, None) → 有料, unknown → "" (ask the host)."""
    if kind == FeeKind.FREE:
        return "無料"
    if kind == FeeKind.PAID:
        return f"{amount}円" if amount else "有料"
    return ""


def parse_postcode(value, *, column: str) -> str:
    """0600001, 060-0001, 〒０６０－０００１, or 600001 from a number cell → 060-0001; blank → ""."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:07d}"
    text = _plain(value).removeprefix("〒").strip()
    if not text:
        return ""
    digits = text.replace("-", "")
    if not (digits.isdigit() and len(digits) == 7 and text.count("-") <= 1):
        raise _error("postcode", column, value)
    return f"{digits[:3]}-{digits[3:]}"


def parse_phone(value, *, column: str) -> str:
    """０１１－１２３－４５６７ → 011-123-4567; a number cell that lost its leading 0 gets it back."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"0{value}"
    text = _plain(value).replace(" ", "")
    if not text:
        return ""
    if not re.fullmatch(r"\+?[\d\-()]+", text) or not 9 <= sum(char.isdigit() for char in text) <= 13:
        raise _error("phone", column, value)
    return text


class ChoiceReader:
    """Reads a TextChoices value by its Japanese label, its slug or a synonym (width and kana folded).

    Several values may be separated by 、 , ・ or /; labels that contain ・ themselves (高専・大学生) are read
    whole.
    """

    def __init__(
        self,
        choices: type[models.TextChoices],
        labels: dict[str, str],
        synonyms: dict[str, str] | None = None,
    ):
        self.values = list(choices.values)
        self.labels = {value: labels[value] for value in self.values}
        self.lookup: dict[str, str] = {}
        for word, value in (synonyms or {}).items():
            self.lookup[fold(word)] = value
        for value in self.values:
            self.lookup[fold(value)] = value
            self.lookup[fold(labels[value])] = value
        # Labels containing a separator, longest first: replaced by their slug before splitting.
        self.compounds = sorted(
            (
                (unicodedata.normalize("NFKC", label), value)
                for value, label in self.labels.items()
                if _LIST_SEPARATORS.search(label)
            ),
            key=lambda pair: -len(pair[0]),
        )

    @property
    def allowed(self) -> str:
        return "、".join(self.labels.values())

    def many(self, value, *, column: str) -> list[str]:
        """Blank → []; values in the order of the choices, without repeats."""
        text = unicodedata.normalize("NFKC", cell_text(value)).strip()
        for label, slug in self.compounds:
            text = text.replace(label, f"、{slug}、")
        found = set()
        for token in _LIST_SEPARATORS.split(text):
            if not token:
                continue
            if fold(token) not in self.lookup:
                raise _error("choice", column, token, allowed=self.allowed)
            found.add(self.lookup[fold(token)])
        return [value for value in self.values if value in found]

    def one(self, value, *, column: str) -> str:
        """Blank → ""; exactly one value otherwise."""
        found = self.many(value, column=column)
        if len(found) > 1:
            raise _error("one_choice", column, value)
        return found[0] if found else ""

    def format_one(self, value: str) -> str:
        return self.labels.get(value, value)

    def format_many(self, values: list[str]) -> str:
        """Joined with 、 (the labels themselves may contain ・)."""
        return "、".join(self.format_one(value) for value in values)


AUDIENCES = ChoiceReader(Audience, AUDIENCE_LABELS_JA, AUDIENCE_SYNONYMS)
INDUSTRIES = ChoiceReader(Industry, INDUSTRY_LABELS_JA, INDUSTRY_SYNONYMS)
LISTING_STATUSES = ChoiceReader(ListingStatus, LISTING_STATUS_LABELS_JA)


class MunicipalityReader:
    """Finds a municipality by its name (札幌市, 札幌市中央区, 中央区, 北海道余市郡余市町) or its code (011002,
    or 01100 without check digit). Reads the 189 rows once."""

    def __init__(self):
        self._lookup: dict[str, object] | None = None

    def _build(self) -> dict[str, object]:
        from portal.models import Municipality

        lookup: dict[str, object] = {}
        for municipality in Municipality.objects.select_related("parent"):
            lookup[municipality.code] = municipality
            lookup[municipality.code[:5]] = municipality
            lookup[fold(municipality.name)] = municipality
            if municipality.parent is not None:  # 中央区 alone: only Sapporo has wards in Hokkaido
                lookup[fold(municipality.name.removeprefix(municipality.parent.name))] = municipality
        return lookup

    def __call__(self, value, *, column: str):
        """The Municipality, or None when blank."""
        if self._lookup is None:
            self._lookup = self._build()
        if isinstance(value, int) and not isinstance(value, bool):
            value = f"0{value}"  # a number cell lost the leading 0 of 011002 (or of 01100)
        text = fold(cell_text(value)).replace(" ", "")
        if not text:
            return None
        text = text.removeprefix("北海道")
        candidates = [text, re.sub(r"^.+?郡", "", text)]
        for candidate in candidates:
            if candidate in self._lookup:
                return self._lookup[candidate]
        raise _error("not_found", column, value)


class OrganisationReader:
    """Finds an organisation by its name or short name (width and kana folded)."""

    def __init__(self):
        self._lookup: dict[str, object] | None = None

    def _build(self) -> dict[str, object]:
        from portal.models import Organisation

        lookup: dict[str, object] = {}
        for organisation in Organisation.objects.all():
            for name in {organisation.name, organisation.short_name} - {""}:
                key = fold(name).replace(" ", "")
                lookup[key] = None if lookup.get(key, organisation) != organisation else organisation
        return lookup

    def __call__(self, value, *, column: str):
        """The Organisation, or None when blank."""
        if self._lookup is None:
            self._lookup = self._build()
        text = fold(cell_text(value)).replace(" ", "")
        if not text:
            return None
        if text not in self._lookup:
            raise _error("not_found", column, value)
        if self._lookup[text] is None:
            raise _error("ambiguous", column, value)
        return self._lookup[text]


# --- The outcome of an import (django-import-export's Result, in Japanese, by file line) -------------------


class ImportResult(Result):
    """Row numbers are file lines (the header is line 1); :meth:`messages` says what is wrong, in Japanese."""

    def append_invalid_row(self, number, row, validation_error):
        super().append_invalid_row(number + 1, row, validation_error)

    def append_error_row(self, number, row, errors):
        super().append_error_row(number + 1, row, errors)

    def row_errors(self):
        return [(row.number, row.errors) for row in self.error_rows]

    def messages(self) -> list[str]:
        """Every problem, file-wide ones first, then by line: 「3行目: 市町村「札幌町」が見つかりません」."""
        lines = []
        for error in self.base_errors:
            if isinstance(error, FileProblem):
                lines.append(str(error.error))
            else:
                lines.append(MESSAGES["failed"].format(error=error.error))
        by_line = []
        for row in self.invalid_rows:
            for messages in row.error_dict.values():
                by_line.extend((row.number, LINE.format(line=row.number, message=message)) for message in messages)
        for row in self.error_rows:
            for error in row.errors:
                message = MESSAGES["row_failed"].format(error=error.error)
                by_line.append((row.number, LINE.format(line=row.number, message=message)))
        by_line.sort(key=lambda pair: pair[0])
        return lines + [line for _number, line in by_line]

    def counts(self) -> dict[str, int]:
        return {kind: self.totals[kind] for kind in ("new", "update", "skip")}


class FileProblem(Error):
    """A problem of the whole file (e.g. an unknown column): shown without a traceback."""

    traceback = ""
