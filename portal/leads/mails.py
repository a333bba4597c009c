"""The e-mails a new inquiry causes, rendered by the mail sender instead of the request that
receives it: each kind's context saved as plain data with the message, and loaded back into what
its templates read (``portal.outbox.compose.render_when_sent``). The text is the same as if it had
been rendered in the request: the catalogue items are loaded again by id, everything typed is kept."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import select

from portal.extensions import db
from portal.leads.models import LeadKind
from portal.leads.operations import Introducer, Submission
from portal.outbox.compose import render_when_sent
from portal.projects.models import IndustrialPark, InvestmentProject, Sector
from portal.projects.site_finder.fit import Requirements

#: The intake mails: each reads ``lead``, ``submission`` and ``joined``.
INTAKE_KINDS = ("acknowledgement", "new_lead", "referral_thanks")
_CATALOGUE = {"sectors": Sector, "projects": InvestmentProject, "parks": IndustrialPark}
_PLAIN = ("kind", "language", "name", "company", "email", "country", "message", "job_title", "phone",
          "preferred_language", "estimated_investment_usd", "timeline", "visitors", "guide_language", "news")


def _moment(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _loaded(model, ids: list[int]) -> list:
    """The catalogue items by id, in the order they were chosen; those the session already holds (a
    sender renders a batch of messages in one session) are not loaded again."""
    if not ids:
        return []
    held = (db.session.identity_map.get(db.session.identity_key(model, item_id)) for item_id in ids)
    found = {item.id: item for item in held if item is not None}
    if len(found) < len(set(ids)):
        missing = [item_id for item_id in ids if item_id not in found]
        found |= {item.id: item for item in db.session.scalars(select(model).where(model.id.in_(missing)))}
    return [found[item_id] for item_id in ids if item_id in found]


def load_catalogue(saved: list[dict]) -> list:
    """The catalogue items a batch of intake mails names, in one SELECT per kind of item: the sender
    holds them while it renders the batch, so each mail's ``_loaded`` finds them in the session."""
    items = []
    for name, model in _CATALOGUE.items():
        ids = {item_id for context in saved for item_id in context["submission"][name] if type(item_id) is int}
        if ids:
            items += db.session.scalars(select(model).where(model.id.in_(ids))).all()
    return items


def save_intake(lead, submission: Submission, joined: bool, follow_token: str | None = None) -> dict:
    saved = {name: getattr(submission, name) for name in _PLAIN}
    saved["kind"] = str(submission.kind)
    saved |= {name: [item.id for item in getattr(submission, name)] for name in _CATALOGUE}
    saved |= {"land_need_ha": str(submission.land_need_ha) if submission.land_need_ha is not None else None,
              "visit_from": _moment(submission.visit_from), "visit_to": _moment(submission.visit_to),
              "introducer": asdict(submission.introducer) if submission.introducer else None,
              "referrer": {"name": submission.referrer.name, "organisation": submission.referrer.organisation}
              if submission.referrer else None,
              "site_needs": submission.site_needs.query() if submission.site_needs else None}
    return {"lead": {"reference": lead.reference, "preferred_language": lead.preferred_language},
            "submission": saved, "joined": joined, "follow_token": follow_token}


def load_intake(saved: dict) -> dict:
    data = dict(saved["submission"])
    values = {name: data[name] for name in _PLAIN}
    values["kind"] = LeadKind(data["kind"])
    values |= {name: _loaded(model, data[name]) for name, model in _CATALOGUE.items()}
    values["land_need_ha"] = Decimal(data["land_need_ha"]) if data["land_need_ha"] is not None else None
    values["visit_from"] = date.fromisoformat(data["visit_from"]) if data["visit_from"] else None
    values["visit_to"] = date.fromisoformat(data["visit_to"]) if data["visit_to"] else None
    values["introducer"] = Introducer(**data["introducer"]) if data["introducer"] else None
    values["site_needs"] = Requirements.from_query(data["site_needs"]) if data.get("site_needs") else None
    submission = Submission(**values)
    submission.referrer = SimpleNamespace(**data["referrer"]) if data["referrer"] else None
    return {"lead": SimpleNamespace(**saved["lead"]), "submission": submission, "joined": saved["joined"],
            "follow_token": saved.get("follow_token")}


_LEAD_FOR_OFFICER = ("reference", "name", "company", "country")


def save_assignment(lead, owner, by) -> dict:
    return {"lead": {**{name: getattr(lead, name) for name in _LEAD_FOR_OFFICER},
                     "first_response_due": _moment(lead.first_response_due),
                     "first_responded_at": _moment(lead.first_responded_at)},
            "owner": {"name": owner.name}, "by": {"name": by.name} if by else None}


def load_assignment(saved: dict) -> dict:
    lead = dict(saved["lead"])
    for name in ("first_response_due", "first_responded_at"):
        lead[name] = datetime.fromisoformat(lead[name]) if lead[name] else None
    return {"lead": SimpleNamespace(**lead), "owner": SimpleNamespace(**saved["owner"]),
            "by": SimpleNamespace(**saved["by"]) if saved["by"] else None}


def register() -> None:
    for kind in INTAKE_KINDS:
        render_when_sent(kind, save_intake, load_intake, load_catalogue)
    render_when_sent("lead_assigned", save_assignment, load_assignment)
