"""Importing the people met at an event from a CSV or Excel file: read, map the columns,
check every row, then hand the valid ones to ``operations.import_people``. A person who already has an
open lead (same e-mail) gets a timeline entry, not a twin."""
from __future__ import annotations

import csv
import io
import secrets
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zipfile import BadZipFile, ZipFile

from babel import Locale
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from portal.i18n import LANGUAGES, format_filesize, format_number
from portal.leads import queries
from portal.leads.models import Event, Lead, LeadKind
from portal.leads.operations import Submission
from portal.projects.queries import sectors as catalogue_sectors
from portal.search_text import fold

MAX_BYTES = 2 * 1024 * 1024
#: People in one list: rows below the header that hold anything.
MAX_ROWS = 2000
#: Columns read from each row: a value in the next one refuses the file; further right is never read.
MAX_COLUMNS = 50
#: The portal reads no row below this one, blank rows included, nor a sheet that says it goes further.
LAST_ROW = 5 * MAX_ROWS
#: What an Excel file (a zip) may unpack to, how many parts it may have and how much each part may be
#: compressed (parts over ``RATIO_FLOOR`` bytes): a zip bomb is refused before anything is inflated.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_ZIP_MEMBERS = 500
MAX_COMPRESSION_RATIO = 100
RATIO_FLOOR = 1024 * 1024
#: What a damaged or hostile workbook makes the zip and XML readers raise.
WORKBOOK_ERRORS = (BadZipFile, EOFError, KeyError, OSError, SyntaxError, TypeError, ValueError, zlib.error)
TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
NOT_READABLE = _l("This is not a CSV (UTF-8) or Excel file the portal can read, or it is empty or larger than 2 MB.")

FIELDS = {
    "name": _l("Name"), "company": _l("Company"), "job_title": _l("Job title"),
    "country": _l("Country or territory"), "email": _l("E-mail"), "phone": _l("Phone"),
    "preferred_language": _l("Preferred language"), "sectors": _l("Sectors of interest"),
    "estimated_investment_usd": _l("Estimated investment (USD)"), "message": _l("Message"),
}
#: Header words that suggest a column's field, in the four languages.
GUESSES = {
    "name": ("name", "ho ten", "ten", "이름", "성명", "氏名", "名前"),
    "company": ("company", "organisation", "organization", "cong ty", "회사", "기업", "会社", "企業"),
    "job_title": ("title", "position", "chuc vu", "직함", "직위", "役職"),
    "country": ("country", "quoc gia", "국가", "国"),
    "email": ("email", "e-mail", "mail", "메일", "メール"),
    "phone": ("phone", "tel", "mobile", "dien thoai", "전화", "電話"),
    "preferred_language": ("language", "ngon ngu", "언어", "言語"),
    "sectors": ("sector", "industry", "linh vuc", "분야", "업종", "分野", "業種"),
    "estimated_investment_usd": ("investment", "capital", "von", "투자", "投資"),
    "message": ("note", "message", "comment", "ghi chu", "메모", "메시지", "メモ", "備考"),
}


class UnreadableFile(ValueError):
    """A file the portal does not import; ``message`` tells the staff member why, in their language."""

    def __init__(self, reason: str, message=None):
        super().__init__(reason)
        self.message = message or NOT_READABLE


@dataclass
class Sheet:
    headers: list[str]
    rows: list[list[str]]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_sheet(data: bytes) -> Sheet:
    """Decide by content, not by file name: an Excel workbook is a zip; anything else must be UTF-8 text.
    Either is read row by row and refused as soon as it passes a limit, before it can fill the memory."""
    if len(data) > MAX_BYTES:
        raise UnreadableFile("too large")
    rows = _workbook_rows(data) if data.startswith(b"PK\x03\x04") else _csv_rows(data)
    if len(rows) < 2:
        raise UnreadableFile("empty")
    width = max(len(row) for row in rows)
    return Sheet(_padded(rows[0], width), [_padded(row, width) for row in rows[1:]])


def _padded(row: list[str], width: int) -> list[str]:
    return row + [""] * (width - len(row))


def _workbook_rows(data: bytes) -> list[list[str]]:
    """The active sheet's rows, streamed (openpyxl's read-only mode) once the zip itself has passed."""
    book = None
    try:
        _check_zip(ZipFile(io.BytesIO(data)))
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        return _sheet_rows(book.active)
    except UnreadableFile:
        raise
    except WORKBOOK_ERRORS as error:
        raise UnreadableFile("not a workbook") from error
    finally:
        if book is not None:
            book.close()


def _sheet_rows(sheet) -> list[list[str]]:
    """Rows as the sheet holds them: the size it declares is only trusted to refuse it at once, since a
    wrong declaration would otherwise cut the list short or pad it with a million empty rows."""
    if not isinstance(sheet, ReadOnlyWorksheet):
        raise UnreadableFile("no worksheet")
    if (sheet.max_row or 0) > LAST_ROW:
        raise _too_long()
    sheet.reset_dimensions()
    return _bounded(sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True))


def _check_zip(archive: ZipFile) -> None:
    """Refuse a zip bomb by what the archive declares, before a byte is inflated: Python's zipfile
    never inflates a part beyond its declared size, so the declared sizes bound the memory."""
    parts = archive.infolist()
    unpacked = sum(part.file_size for part in parts)
    squeezed = any(part.file_size > max(RATIO_FLOOR, MAX_COMPRESSION_RATIO * part.compress_size) for part in parts)
    if len(parts) > MAX_ZIP_MEMBERS or unpacked > MAX_UNPACKED_BYTES or squeezed:
        raise UnreadableFile("zip bomb", _l("This Excel file is too large once unpacked (at most %(size)s) or is "
                                            "built unusually. Save it again in Excel, or as CSV (UTF-8), and upload "
                                            "it anew.", size=format_filesize(MAX_UNPACKED_BYTES)))


def _csv_rows(data: bytes) -> list[list[str]]:
    if b"\x00" in data:
        raise UnreadableFile("binary")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile("not UTF-8") from error
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return _bounded(csv.reader(io.StringIO(text), dialect))
    except csv.Error as error:  # a field longer than the csv module's limit, for one
        raise UnreadableFile("not CSV") from error


def _bounded(rows: Iterable[Sequence]) -> list[list[str]]:
    """The rows that hold anything, each without its empty cells at the end; reading stops at the
    first row past ``MAX_ROWS`` below the header, past ``LAST_ROW`` or wider than ``MAX_COLUMNS``."""
    kept = []
    for number, row in enumerate(rows, start=1):
        if number > LAST_ROW:
            raise _too_long()
        cells = [_cell(value) for value in row]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if len(cells) > MAX_COLUMNS:
            raise UnreadableFile("too wide", _l("The list has too many columns: at most %(columns)s. Delete the "
                                                "columns you do not import and upload it again.",
                                                columns=format_number(MAX_COLUMNS, 0)))
        kept.append(cells)
        if len(kept) > MAX_ROWS + 1:
            raise _too_long()
    return kept


def _too_long() -> UnreadableFile:
    return UnreadableFile("too long", _l("The list is too long: at most %(rows)s rows below the header. Split it "
                                         "into several files.", rows=format_number(MAX_ROWS, 0)))


def guess_mapping(headers: list[str], guesses: dict[str, tuple[str, ...]] = GUESSES) -> list[str]:
    """The field each column probably holds, from the words in its header (each field once)."""
    mapping, used = [], set()
    for header in headers:
        folded = fold(header)
        choice = next((name for name, words in guesses.items()
                       if name not in used and any(word in folded for word in words)), "")
        used.add(choice)
        mapping.append(choice)
    return mapping


# --- the file between the steps ------------------------------------------------------------------


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep_upload(data: bytes) -> str:
    token = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(24))
    (_folder() / token).write_bytes(data)
    return token


def load_upload(token: str) -> bytes | None:
    if len(token) != 24 or any(char not in TOKEN_ALPHABET for char in token):
        return None
    path = _folder() / token
    return path.read_bytes() if path.exists() else None


def accept_upload(file_field) -> str | None:
    """The uploaded list kept for the next steps (its token); None, with the reason beside the
    field, when it is not a list the portal reads."""
    data = file_field.data.read(MAX_BYTES + 1)
    try:
        read_sheet(data)
    except UnreadableFile as refusal:
        file_field.errors.append(str(refusal.message))
        return None
    return keep_upload(data)


def kept_sheet(token: str) -> Sheet | None:
    data = load_upload(token)
    return None if data is None else read_sheet(data)


def chosen_mapping(form: dict, sheet: Sheet, fields: dict) -> list[str]:
    """The field chosen for each column (``column-<n>``), unknown choices ignored."""
    chosen = [form.get(f"column-{index}", "") for index in range(len(sheet.headers))]
    return [name if name in fields else "" for name in chosen]


def discard_upload(token: str) -> None:
    if load_upload(token) is not None:
        (_folder() / token).unlink()


# --- checking and importing rows -----------------------------------------------------------------


@dataclass
class Row:
    number: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    existing: Lead | None = None

    @property
    def valid(self) -> bool:
        return not self.errors


#: Names people write that CLDR does not list.
COUNTRY_ALIASES = {"korea": "KR", "republic of korea": "KR", "한국": "KR", "usa": "US", "united states of america": "US",
                   "uk": "GB", "england": "GB", "holland": "NL", "viet nam": "VN", "taiwan roc": "TW"}


def country_codes() -> dict[str, str]:
    """Country names in the four languages (and common aliases and codes), folded, to their codes."""
    names = dict(COUNTRY_ALIASES)
    for lang in LANGUAGES:
        for code, name in Locale.parse(lang).territories.items():
            if len(code) == 2 and code.isalpha():
                names[fold(name)] = code
                names[code.lower()] = code
    return names


def check_rows(sheet: Sheet, mapping: list[str], default_language: str) -> list[Row]:
    countries = country_codes()
    sector_codes = {sector.code: sector for sector in catalogue_sectors()}
    sector_names = {fold(name): sector.code for sector in sector_codes.values() for name in sector.all_names}
    rows = []
    seen: set[str] = set()
    for number, cells in enumerate(sheet.rows, start=2):
        values = {name: cells[index] for index, name in enumerate(mapping) if name}
        row = Row(number, values)
        if not values.get("name"):
            row.errors.append(str(_l("the name is missing")))
        try:
            values["email"] = validate_email(values.get("email", ""), check_deliverability=False).normalized
        except EmailNotValidError:
            row.errors.append(str(_l("the e-mail address is missing or not valid")))
        country = values.get("country", "")
        values["country"] = countries.get(fold(country), "") if country else ""
        if country and not values["country"]:
            row.errors.append(str(_l("unknown country: %(value)s", value=country)))
        language = values.get("preferred_language", "").lower()[:2]
        values["preferred_language"] = language if language in LANGUAGES else default_language
        wanted = [part.strip() for part in values.get("sectors", "").replace(";", ",").split(",") if part.strip()]
        values["sectors"] = ",".join(sector_names.get(fold(part), part if part in sector_codes else "")
                                     for part in wanted).strip(",")
        amount = values.get("estimated_investment_usd", "").replace(",", "").replace(" ", "")
        try:
            values["estimated_investment_usd"] = str(int(Decimal(amount))) if amount else ""
        except InvalidOperation:
            row.errors.append(str(_l("the investment is not a number: %(value)s", value=amount)))
        if row.valid:
            if values["email"] in seen:
                row.errors.append(str(_l("the same e-mail appears earlier in the file")))
            seen.add(values["email"])
        rows.append(row)
    existing = queries.open_leads_for_emails([row.values["email"] for row in rows if row.valid])
    for row in rows:
        if row.valid:
            row.existing = existing.get(queries.normalize_email(row.values["email"]))
    return rows


def people_to_import(rows: list[Row], event: Event | None) -> list[tuple[Submission, Lead | None]]:
    """The valid rows as the operation that creates leads takes them, each with the open lead the
    person already has (or None)."""
    sectors = {sector.code: sector for sector in catalogue_sectors()}
    note = str(_l("Met at %(event)s", event=event.name)) if event else str(_l("Imported from a list"))
    people = []
    for row in (row for row in rows if row.valid):
        values = row.values
        amount = values.get("estimated_investment_usd")
        submission = Submission(
            kind=LeadKind.EVENT, language=values["preferred_language"], name=values["name"],
            company=values.get("company", ""), email=values["email"], country=values["country"],
            message="\n".join(part for part in (note, values.get("message", "")) if part),
            job_title=values.get("job_title", ""), phone=values.get("phone", ""),
            preferred_language=values["preferred_language"],
            sectors=[sectors[code] for code in values.get("sectors", "").split(",") if code in sectors],
            estimated_investment_usd=int(amount) if amount else None, event=event,
        )
        people.append((submission, row.existing))
    return people
