"""Names the leads' templates and e-mails show for stored codes, in the reader's language, and
what a lead is called for a reader who may not see its contact data."""
from __future__ import annotations

from functools import lru_cache

from flask import Flask
from flask_babel import gettext
from markupsafe import Markup

from portal.auth.models import User
from portal.i18n import locale_code
from portal.leads.countries import country_name
from portal.leads.models import (
    CONSENT_PURPOSE_LABELS,
    EVENT_KIND_LABELS,
    LEAD_KIND_LABELS,
    REFERRER_KIND_LABELS,
    SOURCE_LABELS,
    TIMELINE_LABELS,
    ConsentPurpose,
    EventKind,
    Lead,
    LeadKind,
    LeadSource,
    ReferrerKind,
    Timeline,
)
from portal.leads.pipeline.forms import MERGE_LABELS
from portal.leads.queries import open_leads_per_owner
from portal.leads.rules.access import can_see_contact
from portal.leads.rules.priority import priority_of
from portal.leads.rules.stage_facts import FACT_LABELS, Fact


def kind_label(kind: str) -> str:
    return LEAD_KIND_LABELS[LeadKind(kind)]


def timeline_label(timeline: str) -> str:
    return TIMELINE_LABELS[Timeline(timeline)]


def event_kind_label(kind: str) -> str:
    return EVENT_KIND_LABELS[EventKind(kind)]


def relationship_label(relationship: str) -> str:
    return REFERRER_KIND_LABELS[ReferrerKind(relationship)]


def source_label(source: str) -> str:
    return SOURCE_LABELS[LeadSource(source)]


def merge_label(name: str) -> str:
    return MERGE_LABELS[name]


def purpose_label(purpose: str) -> str:
    return CONSENT_PURPOSE_LABELS[ConsentPurpose(purpose)]


def fact_label(fact: str) -> str:
    return FACT_LABELS[Fact(fact)]


@lru_cache(maxsize=2048)
def country_abbr(code: str, lang: str) -> Markup:
    """A country's code, named in full on hover (``staff/_macros.html`` ``country``)."""
    return Markup('<abbr title="{}">{}</abbr>').format(country_name(code, lang), code) if code else Markup()


def priority_badge(score: int) -> Markup:
    """A lead's priority as a badge with its score: written once per score and language, as the
    board shows hundreds of them."""
    return _priority_badge(score, locale_code())


@lru_cache(maxsize=1024)
def _priority_badge(score: int, _locale: str) -> Markup:
    level = priority_of(score)
    return Markup('<span class="badge badge-priority-{}" title="{}">{}</span>').format(
        level.value, gettext("Priority score %(score)s of 100", score=score), level.label)


def lead_title(lead: Lead, reader: User) -> str:
    """A lead in a list: its company, else the investor's name if ``reader`` may see it, else its reference."""
    return lead.company or (lead.name if can_see_contact(reader, lead) else lead.reference)


def register(app: Flask) -> None:
    for helper in (country_name, kind_label, timeline_label, event_kind_label, relationship_label, source_label,
                   merge_label, purpose_label, fact_label, priority_of, open_leads_per_owner, can_see_contact,
                   lead_title, priority_badge, country_abbr):
        app.add_template_global(helper)
