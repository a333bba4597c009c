"""Importing the people met at an event from a CSV or Excel file: read, map the columns,
check every row, then hand the valid ones to ``operations.import_people``. A person who already has an
open lead (same e-mail) gets a timeline entry, not a twin."""
from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zipfile import BadZipFile

from babel import Locale
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from portal.i18n import LANGUAGES
from portal.leads import queries
from portal.leads.models import Event, Lead, LeadKind
from portal.leads.operations import Submission
from portal.projects.queries import sectors as catalogue_sectors
from portal.search_text import fold

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
TOKEN_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"

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
    """Not a CSV or Excel file the portal can read."""


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
    """Decide by content, not by file name: an Excel workbook is a zip; anything else must be UTF-8 text."""
    if len(data) > MAX_BYTES:
        raise UnreadableFile("too large")
    if data.startswith(b"PK\x03\x04"):
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
            rows = [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        except (BadZipFile, KeyError, OSError, ValueError) as error:
            raise UnreadableFile("not a workbook") from error
    else:
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
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    rows = [row for row in rows if any(row)]
    if len(rows) < 2:
        raise UnreadableFile("empty")
    width = len(rows[0])
    return Sheet(rows[0], [(row + [""] * width)[:width] for row in rows[1:MAX_ROWS + 1]])


def guess_mapping(headers: list[str]) -> list[str]:
    mapping, used = [], set()
    for header in headers:
        folded = fold(header)
        choice = next((name for name, words in GUESSES.items()
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


def _country_codes() -> dict[str, str]:
    names = dict(COUNTRY_ALIASES)
    for lang in LANGUAGES:
        for code, name in Locale.parse(lang).territories.items():
            if len(code) == 2 and code.isalpha():
                names[fold(name)] = code
                names[code.lower()] = code
    return names


def check_rows(sheet: Sheet, mapping: list[str], default_language: str) -> list[Row]:
    countries = _country_codes()
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
