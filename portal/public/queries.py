"""Read-only queries for the home page."""
from sqlalchemy import select

from portal.extensions import db
from portal.public.models import KeyFigure


def key_figures() -> list[KeyFigure]:
    return list(db.session.scalars(select(KeyFigure).order_by(KeyFigure.position, KeyFigure.id)))
