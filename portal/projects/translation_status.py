"""Which languages of an item are missing, or older than its Vietnamese or English text:
an investor reading Korean should not get last year's land price."""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.clock import as_utc
from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.projects.models import IndustrialPark, InvestmentProject

SOURCE_LANGUAGES = ("vi", "en")


class TextState(enum.StrEnum):
    CURRENT = "current"
    MISSING = "missing"
    OUTDATED = "outdated"

    @property
    def label(self) -> str:
        return TEXT_STATE_LABELS[self]


TEXT_STATE_LABELS = {
    TextState.CURRENT: _l("Up to date"),
    TextState.MISSING: _l("Missing"),
    TextState.OUTDATED: _l("Older than the Vietnamese or English text"),
}


def language_states(item) -> dict[str, TextState]:
    """A text is outdated when a source language (vi or en, not itself) was edited after it."""
    states = {}
    for lang in LANGUAGES:
        text = item.texts.get(lang)
        if text is None:
            states[lang] = TextState.MISSING
            continue
        sources = [item.texts[source].updated_at for source in SOURCE_LANGUAGES
                   if source != lang and source in item.texts]
        edited = as_utc(text.updated_at)
        states[lang] = TextState.OUTDATED if any(as_utc(s) > edited for s in sources) else TextState.CURRENT
    return states


def needing_translation() -> list[tuple[object, dict[str, TextState]]]:
    """Published projects and parks with a missing or outdated language, in four queries."""
    rows = []
    for model in (InvestmentProject, IndustrialPark):
        stmt = (select(model).where(model.published.is_(True)).options(selectinload(model.texts))
                .order_by(model.id))
        for item in db.session.scalars(stmt):
            states = language_states(item)
            if any(state != TextState.CURRENT for state in states.values()):
                rows.append((item, states))
    return rows
