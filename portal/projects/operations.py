"""Staff keep the catalogue current: save an item's facts and its texts in four languages,
publish, feature, archive and delete, each change audited with its previous values.

Rules live here, not in the views: officers edit drafts, managers publish, administrators
delete only what no lead refers to (anything else is archived, so leads keep their context).
"""
from __future__ import annotations

from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import exists, select, union

from portal import audit, clock
from portal.auth.models import Role, User
from portal.clock import as_utc
from portal.extensions import db
from portal.leads.models import lead_parks, lead_projects, lead_sectors
from portal.projects.models import IndustrialPark, InvestmentProject, ParkText, ProjectText, Sector, park_target_sectors
from portal.projects.slugs import change_slug, forget_old_slugs, unique_slug
from portal.projects.translation_status import SOURCE_LANGUAGES

#: A published item has at least these languages complete; Korean and Japanese may follow.
PUBLISH_LANGUAGES = ("vi", "en")

PROJECT_FACTS = (
    "sector_id", "location_id", "park_id", "land_area_ha", "total_investment_usd", "total_investment_vnd",
    "investment_form", "status", "timeline_start", "timeline_end", "latitude", "longitude",
)
PARK_FACTS = (
    "developer", "location_id", "established_year", "total_area_ha", "industrial_land_ha", "available_area_ha",
    "occupancy_pct", "tenants_domestic", "tenants_foreign", "land_rent_min_usd_m2", "land_rent_max_usd_m2",
    "factory_rent_min_usd_m2_month", "factory_rent_max_usd_m2_month", "maintenance_fee_usd_m2_year",
    "wastewater_fee_usd_m3", "lease_term_end", "seaport_distance_km", "seaport_max_vessel_dwt",
    "airport_distance_km", "hcmc_centre_distance_km", "highway_distance_km", "power_capacity_mva",
    "water_capacity_m3_day", "wastewater_capacity_m3_day", "ready_built_factories", "latitude", "longitude",
)

#: Per kind: the model, its text model, the text fields, and those a publishable text must have.
KINDS = {
    "project": (InvestmentProject, ProjectText, ("title", "summary", "description", "incentives", "contact_agency"),
                ("title", "summary", "description")),
    "park": (IndustrialPark, ParkText, ("name", "summary", "description", "excluded_industries", "nearest_seaport"),
             ("name", "summary", "description")),
}


#: How the history on an item's page names each audited action.
ACTION_LABELS = {
    "create": _l("Created"),
    "update": _l("Edited"),
    "publish": _l("Published"),
    "unpublish": _l("Unpublished"),
    "feature": _l("Featured"),
    "unfeature": _l("No longer featured"),
    "archive": _l("Archived"),
    "restore": _l("Restored to drafts"),
    "upload": _l("File uploaded"),
    "remove_file": _l("File removed"),
    "delete": _l("Deleted"),
}


def action_label(action: str) -> str:
    """How the item's history names what was done."""
    return ACTION_LABELS.get(action, action)


def text_fields(kind: str) -> tuple[str, ...]:
    return KINDS[kind][2]


def required_text_fields(kind: str) -> tuple[str, ...]:
    return KINDS[kind][3]


def title_of(item, lang: str) -> str:
    text = item.text(lang).text
    if text is None:
        return item.slug
    return getattr(text, "title", None) or getattr(text, "name", "")


def can_edit(user: User, item) -> bool:
    """Officers prepare drafts; what the public already sees is changed by a manager."""
    return user.can(Role.MANAGER) or (not item.published and not item.archived)


def missing_for_publishing(item) -> list[str]:
    """The languages whose texts are not yet complete enough to publish."""
    required = required_text_fields(item.kind)
    return [lang for lang in PUBLISH_LANGUAGES
            if lang not in item.texts or not all(getattr(item.texts[lang], name) for name in required)]


def save_item(kind: str, item, facts: dict, texts: dict[str, dict], slug: str | None, confirmed: set[str],
              user: User, target_sectors: list[Sector] | None = None):
    """Create (``item`` is None) or update an item; one audit entry lists every changed value.

    ``texts`` maps a language to its fields; a language whose fields are all empty is removed.
    ``confirmed`` names languages staff checked against the Vietnamese and English texts: they
    count as current even when unchanged."""
    model, text_model, fields, _required = KINDS[kind]
    created = item is None
    if created:
        item = model(published=False, slug=slug or unique_slug(kind, _slug_source(texts, fields[0])))
        db.session.add(item)
    changes: dict[str, tuple] = {}
    for name, value in facts.items():
        old = getattr(item, name)
        if old != value:
            changes[name] = (old, value)
            setattr(item, name, value)
    if target_sectors is not None:
        old_ids = sorted(sector.id for sector in item.target_sectors)
        new_ids = sorted(sector.id for sector in target_sectors)
        if old_ids != new_ids:
            changes["target_sectors"] = (old_ids, new_ids)
            item.target_sectors = list(target_sectors)
    now = clock.now()
    for lang, values in texts.items():
        text = item.texts.get(lang)
        if not any(values.values()):
            if text is not None:
                changes.update({f"{name}[{lang}]": (getattr(text, name), "") for name in fields if getattr(text, name)})
                del item.texts[lang]
            continue
        if text is None:
            text = item.texts[lang] = text_model(lang=lang, **{name: "" for name in fields})
        edited = False
        for name in fields:
            old, new = getattr(text, name) or "", values.get(name) or ""
            if old != new:
                changes[f"{name}[{lang}]"] = (old, new)
                setattr(text, name, new)
                edited = True
        if edited:
            text.updated_at = now
    for lang in confirmed & set(item.texts):
        _mark_as_current(item, lang)
    db.session.flush()
    if not created and slug and slug != item.slug:
        changes["slug"] = (item.slug, slug)
        change_slug(item, slug)
    if kind == "project":
        db.session.expire(item, ["sector", "location", "park"])
        item.refresh_search_text()
    elif any(name.startswith("name[") for name in changes):
        reindex_projects(InvestmentProject.park_id == item.id)
    audit.record(kind, item.id, "create" if created else "update", changes, user_id=user.id)
    db.session.flush()
    return item


def reindex_projects(condition) -> None:
    """Projects are found by their park's, sector's and location's names too: refresh those
    matching ``condition`` after such a name changed (the caller commits)."""
    for project in db.session.scalars(select(InvestmentProject).where(condition)):
        project.refresh_search_text()


def _mark_as_current(item, lang: str) -> None:
    """Staff checked this text against the Vietnamese and English ones: it is as recent as they
    are (not newer, or they would look outdated in turn)."""
    sources = [as_utc(item.texts[source].updated_at) for source in SOURCE_LANGUAGES
               if source != lang and source in item.texts]
    text = item.texts[lang]
    if sources and max(sources) > as_utc(text.updated_at):
        text.updated_at = max(sources)


def _slug_source(texts: dict[str, dict], title_field: str) -> str:
    """English makes the most readable address for investors; else Vietnamese, else any."""
    for lang in ("en", "vi", "ko", "ja"):
        if texts.get(lang, {}).get(title_field):
            return texts[lang][title_field]
    return ""


class NotAllowed(Exception):
    """The change breaks a catalogue rule; the message says which, for the person who tried."""


def _set_flags(item, user: User, action: str, **flags) -> None:
    changes = {name: (getattr(item, name), value) for name, value in flags.items() if getattr(item, name) != value}
    for name, value in flags.items():
        setattr(item, name, value)
    audit.record(item.kind, item.id, action, changes, user_id=user.id)
    db.session.flush()


def publish(item, user: User) -> None:
    missing = missing_for_publishing(item)
    if missing:
        raise NotAllowed(_("Complete the title, summary and description in Vietnamese and English before "
                           "publishing."))
    _set_flags(item, user, "publish", published=True, archived=False)


def unpublish(item, user: User) -> None:
    _set_flags(item, user, "unpublish", published=False)


def set_featured(item, user: User, featured: bool) -> None:
    _set_flags(item, user, "feature" if featured else "unfeature", featured=featured)


def archive(item, user: User) -> None:
    _set_flags(item, user, "archive", archived=True, published=False, featured=False)


def restore(item, user: User) -> None:
    """Back to the drafts: a restored item is checked again before it is published."""
    _set_flags(item, user, "restore", archived=False)


def referenced_by_leads(item) -> bool:
    if item.kind == "project":
        return db.session.scalar(select(exists().where(lead_projects.c.project_id == item.id)))
    return db.session.scalar(select(
        exists().where(lead_parks.c.park_id == item.id) | exists().where(InvestmentProject.park_id == item.id)
    ))


def delete_item(item, user: User) -> list:
    """Delete an item no lead or project refers to; returns its media, whose files the caller
    removes once the deletion is committed."""
    if referenced_by_leads(item):
        raise NotAllowed(_("Leads or projects refer to this item, so it cannot be deleted. Archive it instead."))
    media = list(item.media)
    forget_old_slugs(item)
    audit.record(item.kind, item.id, "delete", {"slug": (item.slug, None), "title": (title_of(item, "en"), None)},
                 user_id=user.id)
    db.session.delete(item)
    db.session.flush()
    return media


def references_in_use(model) -> set[int]:
    """The ids of the sectors (or locations) that projects, parks or leads use, in one query."""
    if model is Sector:
        used = union(select(InvestmentProject.sector_id), select(park_target_sectors.c.sector_id),
                     select(lead_sectors.c.sector_id))
    else:
        used = union(select(InvestmentProject.location_id), select(IndustrialPark.location_id))
    return set(db.session.scalars(select(used.subquery().c[0])))


def reference_in_use(reference) -> bool:
    """A sector or location in use cannot be deleted: pages and leads would lose their label."""
    return reference.id in references_in_use(type(reference))


def delete_reference(reference, user: User) -> None:
    if reference_in_use(reference):
        raise NotAllowed(_("Projects, parks or leads use this entry, so it cannot be deleted."))
    entity = "sector" if isinstance(reference, Sector) else "location"
    audit.record(entity, reference.id, "delete", {"code": (reference.code, None)}, user_id=user.id)
    db.session.delete(reference)
    db.session.flush()


def record_exchange_rate(vnd_per_usd, applies_from, source: str, user: User):
    """A new exchange rate for the cost estimates; earlier ones stay as its history. Audited; the caller commits."""
    from portal.projects.models import ExchangeRate

    rate = ExchangeRate(vnd_per_usd=vnd_per_usd, applies_from=applies_from, source=source, set_by_id=user.id)
    db.session.add(rate)
    db.session.flush()
    audit.record("exchange_rate", rate.id, "create", {"vnd_per_usd": (None, vnd_per_usd),
                                                      "applies_from": (None, applies_from), "source": (None, source)},
                 user_id=user.id)
    return rate
