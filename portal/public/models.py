"""Key figures shown on the home page: records with a date and a source, not code."""
from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class FigureKind(enum.StrEnum):
    FDI_PROJECTS = "fdi_projects"
    COUNTRIES = "countries"
    REGISTERED_CAPITAL_USD = "registered_capital_usd"
    #: Official counts; without a record the home page shows the park directory's own totals.
    INDUSTRIAL_PARKS = "industrial_parks"
    AVAILABLE_LAND_HA = "available_land_ha"


FIGURE_LABELS = {
    FigureKind.FDI_PROJECTS: _l("foreign direct investment projects"),
    FigureKind.COUNTRIES: _l("countries and territories investing"),
    FigureKind.REGISTERED_CAPITAL_USD: _l("registered foreign capital"),
    FigureKind.INDUSTRIAL_PARKS: _l("industrial parks"),
    FigureKind.AVAILABLE_LAND_HA: _l("industrial land available"),
}


class KeyFigure(db.Model):
    __tablename__ = "key_figures"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), unique=True)
    value: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    #: True when the source says "more than" (e.g. "USD 40 billion+").
    at_least: Mapped[bool] = mapped_column(default=False)
    as_of: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(255))
    position: Mapped[int] = mapped_column(default=0)

    @property
    def label(self) -> str:
        return FIGURE_LABELS[FigureKind(self.kind)]
