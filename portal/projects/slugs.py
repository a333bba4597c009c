"""Slugs: the readable part of a project's or a park's address. Made from the title with
Vietnamese diacritics removed ("Đồng Nai" gives "dong-nai"); when staff change one, the old
slug keeps answering with a permanent redirect, so links already shared never break."""
from __future__ import annotations

import re

from flask import abort, redirect, url_for
from sqlalchemy import delete, select

from portal.extensions import db
from portal.i18n import current_language
from portal.projects.models import IndustrialPark, InvestmentProject, SlugRedirect
from portal.search_text import fold

MAX_LENGTH = 80
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MODELS = {"project": InvestmentProject, "park": IndustrialPark}


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by hyphens; empty when nothing Latin is left (e.g. a Korean title)."""
    words = re.sub(r"[^a-z0-9]+", " ", fold(text)).split()
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > MAX_LENGTH:
            break
        slug = candidate
    return slug


def slug_taken(kind: str, slug: str, item_id: int | None = None) -> bool:
    model = MODELS[kind]
    stmt = select(model.id).where(model.slug == slug)
    if item_id is not None:
        stmt = stmt.where(model.id != item_id)
    return db.session.scalar(stmt) is not None


def unique_slug(kind: str, title: str, item_id: int | None = None) -> str:
    """The slug of ``title``, with -2, -3 ... added when another item already has it."""
    base = slugify(title) or kind
    slug, number = base, 1
    while slug_taken(kind, slug, item_id):
        number += 1
        slug = f"{base}-{number}"
    return slug


def change_slug(item, new_slug: str) -> None:
    """Give ``item`` a new slug and remember the old one; a slug taken back stops redirecting."""
    if item.slug == new_slug:
        return
    db.session.execute(delete(SlugRedirect).where(SlugRedirect.kind == item.kind, SlugRedirect.old_slug == new_slug))
    if item.slug:
        db.session.add(SlugRedirect(kind=item.kind, old_slug=item.slug, item_id=item.id))
    item.slug = new_slug


def forget_old_slugs(item) -> None:
    """A deleted item's old addresses answer 404 like any unknown one, and are free to take."""
    db.session.execute(delete(SlugRedirect).where(SlugRedirect.kind == item.kind, SlugRedirect.item_id == item.id))


def current_slug(kind: str, old_slug: str) -> str | None:
    """The published item's slug that ``old_slug`` now stands for, if any."""
    model = MODELS[kind]
    return db.session.scalar(
        select(model.slug)
        .join(SlugRedirect, (SlugRedirect.item_id == model.id) & (SlugRedirect.kind == kind))
        .where(SlugRedirect.old_slug == old_slug, model.published.is_(True))
    )


def resolve(kind: str, slug: str) -> str:
    """The slug to use for ``slug`` from an old link: the item's slug now if it was renamed."""
    return (current_slug(kind, slug) if slug else None) or slug


def moved(kind: str, old_slug: str, endpoint: str):
    """The public page's answer to an unknown slug: a 301 to the item's slug now, else a 404."""
    slug = current_slug(kind, old_slug) or abort(404)
    return redirect(url_for(endpoint, lang=current_language(), slug=slug), 301)
