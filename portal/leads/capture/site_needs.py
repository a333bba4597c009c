"""An inquiry sent from the site finder carries the investor's needs: read from the same query
string as the finder's (``/<lang>/inquire?land_ha=30&sector=electronics``), kept in the form as one
hidden field, shown as "Your needs", and stored as fields on the lead (``SiteNeeds``)."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from flask import Flask
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from portal.extensions import db
from portal.i18n import current_language
from portal.leads.models import SiteNeeds
from portal.money import millions_from_usd
from portal.projects.models import Sector
from portal.projects.site_finder.fit import Requirements, described
from portal.projects.site_finder.forms import SiteFinderForm

#: The longest needs query kept in the form (ten short numbers and two codes fit many times over).
MAX_QUERY = 500


def needs_from(args, sectors: list[Sector], lang: str) -> Requirements | None:
    """The needs stated in a query string (or the form's hidden copy of it); ``None`` when there are
    none, or any is wrong: a changed link is dropped, never half-kept."""
    form = SiteFinderForm(MultiDict(args), sectors, lang)
    needs = form.requirements()
    return needs if needs is not None and (needs.stated or needs.start) else None


def carried(text: str | None, sectors: list[Sector], lang: str) -> Requirements | None:
    """The needs the inquiry form carries in its hidden field."""
    if not text or len(text) > MAX_QUERY:
        return None
    return needs_from(parse_qsl(text), sectors, lang)


def as_text(needs: Requirements) -> str:
    return urlencode(needs.query())


def site_needs_rows(source: SiteNeeds | Requirements | None, lang: str | None = None) -> list[tuple[str, str]]:
    """(label, value) of each need, from a lead's stored needs or a submission's."""
    if source is None:
        return []
    lang = lang or current_language()
    if isinstance(source, SiteNeeds):
        sector = source.sector
        needs = Requirements(
            sector=sector.code if sector else "", land_ha=source.land_ha, floor_m2=source.floor_m2,
            power_mva=source.power_mva, water_m3_day=source.water_m3_day, max_seaport_km=source.max_seaport_km,
            max_airport_km=source.max_airport_km, max_centre_km=source.max_centre_km,
            budget_musd=millions_from_usd(source.budget_usd), start=source.start)
    else:
        needs = source
        sector = db.session.scalar(select(Sector).where(Sector.code == needs.sector)) if needs.sector else None
    return described(needs, sector.name(lang) if sector else "")


def register(app: Flask) -> None:
    app.add_template_global(site_needs_rows)


def carry(form, sectors: list[Sector], args) -> Requirements | None:
    """The needs the inquiry form carries: from the link when the form is shown (and the matching
    fields of the form filled in from them), from its hidden copy when it is sent."""
    if not form.is_submitted():
        needs = needs_from(args, sectors, form.lang)
        if needs is not None:
            form.site_needs.data = as_text(needs)
            form.sectors.data = [needs.sector] if needs.sector else form.sectors.data
            form.land_need.data = needs.land_ha if needs.land_ha is not None else form.land_need.data
            form.timeline.data = needs.start or form.timeline.data
        return needs
    return carried(form.site_needs.data, sectors, form.lang)
