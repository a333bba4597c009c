"""Leads as CSV or XLSX, with headers in the reader's language. A cell that a spreadsheet
would run as a formula (=, +, -, @ ...) is prefixed with an apostrophe, and control characters
are removed: exports leave the portal, and a lead's text is typed by strangers. A lead whose
contact data the reader may not see (``can_see_contact``) is exported without it, as the list
shows it."""
from __future__ import annotations

import io
from typing import Callable, Iterable

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook

from portal.auth.models import User
from portal.leads.countries import country_name
from portal.leads.models import LEAD_KIND_LABELS, TIMELINE_LABELS, Lead, LeadKind, Timeline
from portal.leads.rules.access import CONTACT_FIELDS, can_see_contact
from portal.leads.rules.priority import priority_of
from portal.spreadsheets import cell, csv_bytes

Column = tuple[str, Callable[[Lead, str], object]]

COLUMNS: list[Column] = [
    (_l("Reference"), lambda lead, lang: lead.reference),
    (_l("Received"), lambda lead, lang: lead.created_at.strftime("%Y-%m-%d %H:%M") if lead.created_at else ""),
    (_l("Kind"), lambda lead, lang: str(LEAD_KIND_LABELS[LeadKind(lead.kind)])),
    (_l("Stage"), lambda lead, lang: lead.stage.name(lang)),
    (_l("Priority"), lambda lead, lang: f"{priority_of(lead.priority_score).label} ({lead.priority_score})"),
    (_l("Owner"), lambda lead, lang: lead.owner.name if lead.owner else ""),
    (_l("Name"), lambda lead, lang: lead.name),
    (_l("Company"), lambda lead, lang: lead.company),
    (_l("Job title"), lambda lead, lang: lead.job_title),
    (_l("Country or territory"), lambda lead, lang: country_name(lead.country, lang)),
    (_l("E-mail"), lambda lead, lang: lead.email),
    (_l("Phone"), lambda lead, lang: lead.phone),
    (_l("Preferred language"), lambda lead, lang: lead.preferred_language),
    (_l("Sectors of interest"), lambda lead, lang: ", ".join(sector.name(lang) for sector in lead.sectors)),
    (_l("Estimated investment (USD)"), lambda lead, lang: lead.estimated_investment_usd),
    (_l("Land needed (ha)"), lambda lead, lang: float(lead.land_need_ha) if lead.land_need_ha is not None else None),
    (_l("Investment timeline"), lambda lead, lang: str(TIMELINE_LABELS[Timeline(lead.timeline)]) if lead.timeline else ""),
    (_l("Referrer"), lambda lead, lang: lead.referrer.name if lead.referrer else lead.introducer_name),
    (_l("Tags"), lambda lead, lang: ", ".join(tag.name for tag in lead.tags)),
    (_l("First answered"), lambda lead, lang: lead.first_responded_at.strftime("%Y-%m-%d %H:%M")
     if lead.first_responded_at else ""),
    (_l("Message"), lambda lead, lang: lead.message),
]


class _WithoutContact:
    """A lead as a reader who may not see its contact data exports it: those fields are empty."""

    def __init__(self, lead: Lead):
        self._lead = lead

    def __getattr__(self, name: str):
        return "" if name in CONTACT_FIELDS else getattr(self._lead, name)


def rows(leads: Iterable[Lead], lang: str, reader: User) -> list[list]:
    header = [str(label) for label, _ in COLUMNS]
    shown = (lead if can_see_contact(reader, lead) else _WithoutContact(lead) for lead in leads)
    return [header] + [[cell(value(lead, lang)) for _, value in COLUMNS] for lead in shown]


def to_csv(leads: Iterable[Lead], lang: str, reader: User) -> bytes:
    return csv_bytes(rows(leads, lang, reader))


def to_xlsx(leads: Iterable[Lead], lang: str, reader: User) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Leads"
    for row in rows(leads, lang, reader):
        sheet.append(row)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
