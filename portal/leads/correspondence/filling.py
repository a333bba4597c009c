"""Filling a reply template with the lead's data: a small fixed set of ``{placeholders}``, replaced as
plain text (nothing is evaluated, so a template cannot reach anything else), and checked when saved."""
from __future__ import annotations

import re

from flask_babel import force_locale, gettext as _
from sqlalchemy import select

from portal.auth.models import User
from portal.extensions import db
from portal.i18n import addressee, format_items
from portal.leads.models import Lead, ReplyTemplate

PLACEHOLDERS = ("addressee", "investor_name", "company", "interests", "reference", "officer_name", "officer_email")
_PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")


def unknown_placeholders(text: str) -> list[str]:
    """The ``{names}`` in ``text`` that are not in ``PLACEHOLDERS``, each once, in order."""
    return list(dict.fromkeys(name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS))


def interests(lead: Lead, lang: str) -> str:
    """What the investor asked about, in ``lang``: the projects and parks, else the sectors."""
    names = [text.text.title for text in (project.text(lang) for project in lead.projects) if text]
    names += [text.text.name for text in (park.text(lang) for park in lead.parks) if text]
    if not names:
        names = [sector.name(lang) for sector in lead.sectors]
    if names:
        return format_items(names, lang)
    with force_locale(lang):
        return _("investing in Vietnam")


def values_for(lead: Lead, officer: User, lang: str) -> dict[str, str]:
    with force_locale(lang):
        opening = addressee(lead.name, lead.company)
    return {"addressee": opening, "investor_name": lead.name, "company": lead.company or lead.name, "interests": interests(lead, lang),
            "reference": lead.reference, "officer_name": officer.name, "officer_email": officer.email}


def fill(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def template_for(purpose: str, lang: str) -> tuple[ReplyTemplate | None, bool]:
    """The template in ``lang``, else the English one; the flag says the language was missing."""
    rows = {row.lang: row for row in db.session.scalars(
        select(ReplyTemplate).where(ReplyTemplate.purpose == purpose, ReplyTemplate.lang.in_((lang, "en"))))}
    if lang in rows:
        return rows[lang], False
    return rows.get("en"), True
