"""Importing a list of the FDI enterprises already here (CSV or Excel), by the lead import's rules
and machinery (``portal.leads.imports.sheets``: reading by content, limits, the file kept between
the steps, column guesses): map the columns, check every row, import the valid ones in one
transaction. A row is one registered project; rows naming the same company (by its matched name)
are its projects, and a company already recorded gets the new projects rather than a twin. A
certificate number already recorded, or earlier in the file, is a duplicate and is not imported."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import audit
from portal.auth.models import User
from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.leads.companies import operations, queries
from portal.leads.imports.sheets import Sheet, country_codes
from portal.leads.models import Company, RegisteredProject
from portal.leads.rules.matching import company_key
from portal.projects.queries import sectors as catalogue_sectors
from portal.search_text import fold

FIELDS = {
    "name": _l("Name in its own script"), "name_latin": _l("Name in Latin letters"),
    "country": _l("Country or territory"), "sector": _l("Sector"), "parent_group": _l("Parent group"),
    "project": _l("Project"), "park": _l("Industrial park"),
    "registered_capital_usd": _l("Registered capital (USD)"), "jobs": _l("Jobs"),
    "certificate_number": _l("Number of the investment registration certificate"),
    "certificate_date": _l("Date of the investment registration certificate"),
    "incentive_ends_on": _l("Investment incentives end on"), "land_lease_ends_on": _l("Land lease ends on"),
    "contact_name": _l("Contact person"), "contact_role": _l("Role"), "contact_email": _l("E-mail"),
    "contact_phone": _l("Phone"), "contact_language": _l("Language"),
}
#: Header words that suggest a column's field (Vietnamese without its marks, as ``fold`` leaves it).
GUESSES = {
    "name_latin": ("latin", "english name", "ten tieng anh", "영문", "英文", "ローマ字"),
    "name": ("company", "enterprise", "doanh nghiep", "ten", "기업", "회사", "企業", "会社"),
    "country": ("country", "quoc gia", "국가", "国"),
    "sector": ("sector", "industry", "nganh", "linh vuc", "업종", "業種"),
    "parent_group": ("parent", "group", "tap doan", "모기업", "親会社"),
    "project": ("project", "du an", "프로젝트", "案件"),
    "park": ("park", "kcn", "khu cong nghiep", "산업단지", "工業団地"),
    "registered_capital_usd": ("capital", "von", "자본", "資本", "投資額"),
    "jobs": ("jobs", "employees", "lao dong", "고용", "従業員"),
    "certificate_number": ("certificate no", "certificate number", "so gcn", "so giay", "증명서 번호", "証明書番号"),
    "certificate_date": ("certificate date", "ngay cap", "발급일", "交付日"),
    "incentive_ends_on": ("incentive", "uu dai", "인센티브", "優遇"),
    "land_lease_ends_on": ("lease", "thue dat", "임대", "賃貸"),
    "contact_email": ("email", "e-mail", "mail", "메일", "メール"),
    "contact_phone": ("phone", "tel", "dien thoai", "전화", "電話"),
    "contact_role": ("position", "title", "chuc vu", "직위", "役職"),
    "contact_language": ("language", "ngon ngu", "언어", "言語"),
    "contact_name": ("contact", "nguoi lien he", "담당자", "担当者"),
}
DATES = ("certificate_date", "incentive_ends_on", "land_lease_ends_on")


@dataclass
class CompanyRow:
    number: int
    values: dict
    errors: list[str] = field(default_factory=list)
    #: The company already recorded under the same name (its project is added to it).
    existing: Company | None = None

    @property
    def valid(self) -> bool:
        return not self.errors


def _date(text: str) -> date:
    """2027-03-01 (also as Excel writes a date: "2027-03-01 00:00:00") or 01/03/2027, day first."""
    text = text.strip()
    for pattern, length in (("%Y-%m-%d", 10), ("%d/%m/%Y", None), ("%d.%m.%Y", None)):
        try:
            return datetime.strptime(text[:length] if length else text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _whole(text: str) -> int:
    return int(Decimal(text.replace(",", "").replace(" ", "")))


def check_rows(sheet: Sheet, mapping: list[str], default_language: str) -> list[CompanyRow]:
    countries = country_codes()
    sectors = {fold(name): sector.id for sector in catalogue_sectors() for name in (*sector.all_names, sector.code)}
    parks = {fold(text.name): park.id for park in queries.parks() for text in park.texts.values()}
    parks.update({park.slug: park.id for park in queries.parks()})
    known_certificates = set(db.session.scalars(select(RegisteredProject.certificate_number)
                                                .where(RegisteredProject.certificate_number != "")))
    known_companies = queries.all_name_keys()
    rows, seen_certificates = [], set()
    for number, cells in enumerate(sheet.rows, start=2):
        values = {name: cells[index].strip() for index, name in enumerate(mapping) if name}
        row = CompanyRow(number, values)
        _check(row, countries, sectors, parks, default_language)
        certificate = values.get("certificate_number", "")
        if certificate and (certificate in known_certificates or certificate in seen_certificates):
            row.errors.append(str(_l("the certificate %(number)s is already recorded or earlier in the file",
                                     number=certificate)))
        if certificate:
            seen_certificates.add(certificate)
        values["key"] = company_key(values.get("name_latin") or values.get("name", ""))[:200]
        if row.valid and values["key"] in known_companies:
            row.existing = db.session.get(Company, known_companies[values["key"]])
        rows.append(row)
    return rows


def _check(row: CompanyRow, countries, sectors, parks, default_language: str) -> None:
    values = row.values
    if not values.get("name"):
        row.errors.append(str(_l("the company name is missing")))
    country = values.get("country", "")
    values["country"] = countries.get(fold(country), "") if country else ""
    if not values["country"]:
        row.errors.append(str(_l("unknown country: %(value)s", value=country)) if country
                          else str(_l("the country is missing")))
    for name, known, message in (("sector", sectors, _l("unknown sector: %(value)s")),
                                 ("park", parks, _l("unknown industrial park: %(value)s"))):
        text = values.get(name, "")
        values[f"{name}_id"] = known.get(fold(text)) if text else None
        if text and values[f"{name}_id"] is None:
            row.errors.append(str(message) % {"value": text})
    for name in ("registered_capital_usd", "jobs"):
        text = values.get(name, "")
        try:
            values[name] = _whole(text) if text else None
        except InvalidOperation:
            row.errors.append(str(_l("not a number: %(value)s", value=text)))
    for name in DATES:
        text = values.get(name, "")
        try:
            values[name] = _date(text) if text else None
        except ValueError:
            row.errors.append(str(_l("not a date (2027-03-31 or 31/03/2027): %(value)s", value=text)))
    email = values.get("contact_email", "")
    if email:
        try:
            values["contact_email"] = validate_email(email, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            row.errors.append(str(_l("the e-mail address is not valid")))
    language = values.get("contact_language", "").lower()[:2]
    values["contact_language"] = language if language in LANGUAGES else default_language


def import_companies(rows: list[CompanyRow], user: User) -> tuple[int, int]:
    """The valid rows: new companies, or projects added to those already recorded. Flushes; the
    view commits the whole list at once. Returns (companies created, projects added)."""
    companies: dict[str, Company] = {}
    created = projects = 0
    for row in (row for row in rows if row.valid):
        values = row.values
        company = companies.get(values["key"]) or row.existing
        if company is None:
            company = operations.save_company(None, {
                "name": values["name"][:200], "name_latin": values.get("name_latin", "")[:200],
                "country": values["country"], "sector_id": values["sector_id"],
                "parent_group": values.get("parent_group", "")[:200], "owner_id": None,
                "visit_every_months": None, "notes": ""}, user)
            created += 1
        companies[values["key"]] = company
        operations.save_project(company, None, {
            "name": values.get("project", "")[:200], "park_id": values["park_id"],
            "registered_capital_usd": values["registered_capital_usd"], "jobs": values["jobs"],
            "certificate_number": values.get("certificate_number", "")[:60],
            **{name: values[name] for name in DATES}}, user)
        projects += 1
        if values.get("contact_name") and not any(
                c.name == values["contact_name"] for c in company.contacts):
            operations.save_contact(company, None, {
                "name": values["contact_name"][:120], "role": values.get("contact_role", "")[:120],
                "language": values["contact_language"], "email": values.get("contact_email", "")[:254],
                "phone": values.get("contact_phone", "")[:40]}, user)
    audit.record("company", 0, "import", {"created": (None, created), "projects": (None, projects)}, user_id=user.id)
    db.session.flush()
    return created, projects
