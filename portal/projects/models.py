"""The catalogue: sectors, locations, industrial parks and investment projects.

Facts shared by all languages are columns of the item; texts a person reads live in a
``*_texts`` table, one row per language, so a missing translation is a missing row and the
page can fall back visibly (see ``portal.i18n.pick_translation``).
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, attribute_keyed_dict, mapped_column, relationship

from portal.extensions import db
from portal.model_mixins import NamedInFourLanguages, TimestampMixin
from portal.i18n import LANGUAGES, LocalizedText, pick_translation
from portal.search_text import fold


class Sector(NamedInFourLanguages, db.Model):
    __tablename__ = "sectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    #: On the region's list of sectors it gives priority to.
    priority: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)


class Location(NamedInFourLanguages, db.Model):
    """An area of the region (a former district or town, a ward or commune)."""

    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)


class InvestmentForm(enum.StrEnum):
    FOREIGN_100 = "foreign_100"
    JOINT_VENTURE = "joint_venture"
    PPP = "ppp"
    BCC = "bcc"
    ANY = "any"

    @property
    def label(self) -> str:
        return INVESTMENT_FORM_LABELS[self]


INVESTMENT_FORM_LABELS = {
    InvestmentForm.FOREIGN_100: _l("Wholly foreign-owned"),
    InvestmentForm.JOINT_VENTURE: _l("Joint venture"),
    InvestmentForm.PPP: _l("Public-private partnership (PPP)"),
    InvestmentForm.BCC: _l("Business cooperation contract (BCC)"),
    InvestmentForm.ANY: _l("Any form"),
}


class ProjectStatus(enum.StrEnum):
    OPEN = "open"
    PREPARING = "preparing"
    IN_TALKS = "in_talks"

    @property
    def label(self) -> str:
        return PROJECT_STATUS_LABELS[self]


PROJECT_STATUS_LABELS = {
    ProjectStatus.OPEN: _l("Open for investment"),
    ProjectStatus.PREPARING: _l("In preparation"),
    ProjectStatus.IN_TALKS: _l("In talks with investors"),
}


class TranslatedItem:
    """An item whose texts live in a ``texts`` mapping of language code to text row."""

    texts: dict

    def text(self, lang: str) -> LocalizedText:
        return pick_translation(self.texts, lang)

    @property
    def languages(self) -> list[str]:
        """The languages the item is written in: its page in any other language shows a stand-in."""
        return [code for code in LANGUAGES if code in self.texts]


class TextInOneLanguage:
    """One language's texts of an item; ``updated_at`` shows which language was edited last."""

    id: Mapped[int] = mapped_column(primary_key=True)
    lang: Mapped[str] = mapped_column(String(5))
    summary: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


park_target_sectors = Table(
    "park_target_sectors",
    db.metadata,
    Column("park_id", ForeignKey("industrial_parks.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", ForeignKey("sectors.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class IndustrialPark(TranslatedItem, TimestampMixin, db.Model):
    __tablename__ = "industrial_parks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    developer: Mapped[str] = mapped_column(String(200))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), index=True)
    established_year: Mapped[int | None]
    total_area_ha: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    industrial_land_ha: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    available_area_ha: Mapped[Decimal] = mapped_column(Numeric(10, 2), index=True)
    occupancy_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    tenants_domestic: Mapped[int | None]
    tenants_foreign: Mapped[int | None]
    #: Land rent for the remaining lease term, paid once (USD/m2). Never mixed with factory rent.
    land_rent_min_usd_m2: Mapped[Decimal | None] = mapped_column(Numeric(10, 2), index=True)
    land_rent_max_usd_m2: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    #: Ready-built factory rent per month (USD/m2/month).
    factory_rent_min_usd_m2_month: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    factory_rent_max_usd_m2_month: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    maintenance_fee_usd_m2_year: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    wastewater_fee_usd_m3: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    lease_term_end: Mapped[date | None] = mapped_column(Date)
    seaport_distance_km: Mapped[Decimal | None] = mapped_column(Numeric(7, 1))
    seaport_max_vessel_dwt: Mapped[int | None]
    airport_distance_km: Mapped[Decimal | None] = mapped_column(Numeric(7, 1))
    hcmc_centre_distance_km: Mapped[Decimal | None] = mapped_column(Numeric(7, 1))
    highway_distance_km: Mapped[Decimal | None] = mapped_column(Numeric(7, 1))
    power_capacity_mva: Mapped[Decimal | None] = mapped_column(Numeric(10, 1))
    water_capacity_m3_day: Mapped[int | None]
    wastewater_capacity_m3_day: Mapped[int | None]
    ready_built_factories: Mapped[bool] = mapped_column(default=False)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    featured: Mapped[bool] = mapped_column(default=False, index=True)
    published: Mapped[bool] = mapped_column(default=True, index=True)
    #: Withdrawn from the catalogue but kept, because leads or links may refer to it.
    archived: Mapped[bool] = mapped_column(default=False, index=True)

    location: Mapped[Location] = relationship()
    target_sectors: Mapped[list[Sector]] = relationship(secondary=park_target_sectors, order_by=Sector.position)
    texts: Mapped[dict[str, ParkText]] = relationship(
        collection_class=attribute_keyed_dict("lang"), cascade="all, delete-orphan", back_populates="park"
    )
    projects: Mapped[list[InvestmentProject]] = relationship(back_populates="park")
    media: Mapped[list[MediaFile]] = relationship(
        back_populates="park", cascade="all, delete-orphan", order_by="MediaFile.position, MediaFile.id"
    )

    kind = "park"

    @property
    def tenants_total(self) -> int | None:
        if self.tenants_domestic is None and self.tenants_foreign is None:
            return None
        return (self.tenants_domestic or 0) + (self.tenants_foreign or 0)


class ParkText(TextInOneLanguage, db.Model):
    __tablename__ = "park_texts"
    __table_args__ = (UniqueConstraint("park_id", "lang"),)

    park_id: Mapped[int] = mapped_column(ForeignKey("industrial_parks.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    excluded_industries: Mapped[str] = mapped_column(Text, default="")
    nearest_seaport: Mapped[str] = mapped_column(String(200), default="")

    park: Mapped[IndustrialPark] = relationship(back_populates="texts")


class InvestmentProject(TranslatedItem, TimestampMixin, db.Model):
    __tablename__ = "investment_projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    sector_id: Mapped[int] = mapped_column(ForeignKey("sectors.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), index=True)
    park_id: Mapped[int | None] = mapped_column(ForeignKey("industrial_parks.id"), index=True)
    land_area_ha: Mapped[Decimal | None] = mapped_column(Numeric(10, 2), index=True)
    total_investment_usd: Mapped[int] = mapped_column(BigInteger, index=True)
    #: As the Vietnamese catalogue publishes it, when it does; never converted on the fly.
    total_investment_vnd: Mapped[int | None] = mapped_column(BigInteger)
    investment_form: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    timeline_start: Mapped[int | None]
    timeline_end: Mapped[int | None]
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    featured: Mapped[bool] = mapped_column(default=False, index=True)
    published: Mapped[bool] = mapped_column(default=True, index=True)
    archived: Mapped[bool] = mapped_column(default=False, index=True)
    #: Every language's title and summary plus sector and location names, folded by
    #: ``portal.search_text.fold``; kept current by ``refresh_search_text``.
    search_text: Mapped[str] = mapped_column(Text, default="")

    sector: Mapped[Sector] = relationship()
    location: Mapped[Location] = relationship()
    park: Mapped[IndustrialPark | None] = relationship(back_populates="projects")
    texts: Mapped[dict[str, ProjectText]] = relationship(
        collection_class=attribute_keyed_dict("lang"), cascade="all, delete-orphan", back_populates="project"
    )
    media: Mapped[list[MediaFile]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="MediaFile.position, MediaFile.id"
    )

    kind = "project"

    @property
    def investment_form_label(self) -> str:
        return InvestmentForm(self.investment_form).label

    @property
    def status_label(self) -> str:
        return ProjectStatus(self.status).label

    def refresh_search_text(self) -> None:
        parts: list[str] = []
        for text in self.texts.values():
            parts += [text.title, text.summary]
        parts += self.sector.all_names + self.location.all_names
        if self.park is not None:
            parts += [text.name for text in self.park.texts.values()]
        self.search_text = fold(" ".join(p for p in parts if p))


class ProjectText(TextInOneLanguage, db.Model):
    __tablename__ = "project_texts"
    __table_args__ = (UniqueConstraint("project_id", "lang"),)

    project_id: Mapped[int] = mapped_column(ForeignKey("investment_projects.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    incentives: Mapped[str] = mapped_column(Text, default="")
    contact_agency: Mapped[str] = mapped_column(String(255), default="")

    project: Mapped[InvestmentProject] = relationship(back_populates="texts")


class SlugRedirect(db.Model):
    """A slug an item had before: shared links keep working with a permanent redirect."""

    __tablename__ = "slug_redirects"
    __table_args__ = (UniqueConstraint("kind", "old_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    old_slug: Mapped[str] = mapped_column(String(160))
    item_id: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class MediaKind(enum.StrEnum):
    IMAGE = "image"
    BROCHURE = "brochure"


class MediaFile(db.Model):
    """A photo or a PDF brochure of a project or a park. The file is stored under a random
    name in ``UPLOAD_DIR``; what the uploader called it is kept for the download only."""

    __tablename__ = "media_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("investment_projects.id", ondelete="CASCADE"), index=True
    )
    park_id: Mapped[int | None] = mapped_column(ForeignKey("industrial_parks.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(255), default="")
    content_type: Mapped[str] = mapped_column(String(50))
    size_bytes: Mapped[int] = mapped_column()
    width: Mapped[int | None]
    height: Mapped[int | None]
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    project: Mapped[InvestmentProject | None] = relationship(back_populates="media")
    park: Mapped[IndustrialPark | None] = relationship(back_populates="media")

    @property
    def item(self) -> InvestmentProject | IndustrialPark:
        return self.project or self.park


class ExchangeRate(db.Model):
    """How many đồng one US dollar buys, as staff record it with its date and source: cost
    estimates show VND amounts only from such a record, never from a rate in code."""

    __tablename__ = "exchange_rates"

    id: Mapped[int] = mapped_column(primary_key=True)
    vnd_per_usd: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    applies_from: Mapped[date] = mapped_column(Date, index=True)
    #: Who publishes the rate, e.g. "Vietcombank selling rate".
    source: Mapped[str] = mapped_column(String(255))
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
