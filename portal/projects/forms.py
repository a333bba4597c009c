"""Filter forms for the catalogue and the park directory: GET forms, so a search can be shared."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DecimalField, Form, SearchField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from portal.form_messages import PortalMeta
from portal.projects.models import INVESTMENT_FORM_LABELS, PROJECT_STATUS_LABELS, Location, Sector
from portal.projects.queries import PARK_SORTS, PROJECT_SORTS, ParkFilters, ProjectFilters

MILLION = 1_000_000


class QueryForm(Form):
    """Reads the query string; an invalid filter is reported beside its field and ignored."""

    Meta = PortalMeta

    #: Fields that narrow the results (everything but sorting).
    filter_fields: tuple[str, ...] = ()

    def value(self, name: str):
        field = self[name]
        return None if field.errors else field.data

    def active_filters(self) -> list[tuple[str, str, str]]:
        """(field name, label, value as shown) of each valid filter the visitor set."""
        active = []
        for name in self.filter_fields:
            field, value = self[name], self.value(name)
            if value in (None, "", False):
                continue
            if isinstance(field, SelectField):
                value = next(choice.label for choice in field.choices if choice.value == value)
            elif isinstance(field, BooleanField):
                value = ""
            active.append((name, str(field.label.text), str(value)))
        return active


def _not_negative(form, field):
    if field.data is not None and field.data < 0:
        raise ValidationError(_l("Enter a number of 0 or more."))


def _not_below(other: str, message: str):
    def check(form, field):
        low = form[other].data
        if field.data is not None and low is not None and not form[other].errors and field.data < low:
            raise ValidationError(message)

    return check


def _choices(items: list[Sector] | list[Location], lang: str, everything: str) -> list[SelectChoice]:
    return [SelectChoice("", everything)] + [SelectChoice(item.code, item.name(lang)) for item in items]


class ProjectFilterForm(QueryForm):
    filter_fields = ("q", "sector", "location", "investment_form", "status", "min_investment", "max_investment",
                     "min_area", "max_area")
    q = SearchField(_l("Search projects"), validators=[Optional(), Length(max=100)])
    sector = SelectField(_l("Sector"), default="")
    location = SelectField(_l("Location"), default="")
    investment_form = SelectField(_l("Investment form"), default="")
    status = SelectField(_l("Status"), default="")
    min_investment = DecimalField(
        _l("Total investment from (USD million)"),
        validators=[Optional(), _not_negative],
    )
    max_investment = DecimalField(
        _l("Total investment up to (USD million)"),
        validators=[
            Optional(),
            _not_negative,
            _not_below("min_investment", _l("The upper limit must not be below the lower limit.")),
        ],
    )
    min_area = DecimalField(
        _l("Land area from (ha)"),
        validators=[Optional(), _not_negative],
    )
    max_area = DecimalField(
        _l("Land area up to (ha)"),
        validators=[
            Optional(),
            _not_negative,
            _not_below("min_area", _l("The upper limit must not be below the lower limit.")),
        ],
    )
    sort = SelectField(
        _l("Sort by"),
        choices=[
            SelectChoice("featured", _l("Featured first")),
            SelectChoice("newest", _l("Newest first")),
            SelectChoice("investment_desc", _l("Largest investment first")),
            SelectChoice("investment_asc", _l("Smallest investment first")),
            SelectChoice("area_desc", _l("Largest land area first")),
            SelectChoice("area_asc", _l("Smallest land area first")),
        ],
        default="featured",
    )

    def __init__(self, formdata, sectors: list[Sector], locations: list[Location], lang: str):
        super().__init__(formdata)
        self.sector.choices = _choices(sectors, lang, _l("All sectors"))
        self.location.choices = _choices(locations, lang, _l("All locations"))
        self.investment_form.choices = [SelectChoice("", _l("Any investment form"))] + [
            SelectChoice(form.value, label) for form, label in INVESTMENT_FORM_LABELS.items()
        ]
        self.status.choices = [SelectChoice("", _l("Any status"))] + [
            SelectChoice(status.value, label) for status, label in PROJECT_STATUS_LABELS.items()
        ]
        assert {choice.value for choice in self.sort.choices} == set(PROJECT_SORTS)

    def filters(self) -> ProjectFilters:
        """The valid part of what the visitor asked for."""
        self.validate()
        return ProjectFilters(
            q=(self.value("q") or "").strip(),
            sector=self.value("sector") or "",
            location=self.value("location") or "",
            investment_form=self.value("investment_form") or "",
            status=self.value("status") or "",
            min_investment_usd=_millions(self.value("min_investment")),
            max_investment_usd=_millions(self.value("max_investment")),
            min_area_ha=self.value("min_area"),
            max_area_ha=self.value("max_area"),
            sort=self.value("sort") or "featured",
        )


def _millions(value: Decimal | None) -> int | None:
    return None if value is None else int(value * MILLION)


class ParkFilterForm(QueryForm):
    filter_fields = ("location", "sector", "min_available", "max_land_rent", "ready_built")
    location = SelectField(_l("Location"), default="")
    sector = SelectField(_l("Target sector"), default="")
    min_available = DecimalField(
        _l("Available land at least (ha)"),
        validators=[Optional(), _not_negative],
    )
    max_land_rent = DecimalField(
        _l("Land rent up to (USD/m² for the remaining term)"),
        validators=[Optional(), _not_negative],
    )
    ready_built = BooleanField(_l("Ready-built factories for rent"))
    sort = SelectField(
        _l("Sort by"),
        choices=[
            SelectChoice("available_desc", _l("Most available land first")),
            SelectChoice("price_asc", _l("Lowest land rent first")),
            SelectChoice("area_desc", _l("Largest park first")),
            SelectChoice("distance_hcmc", _l("Closest to Ho Chi Minh City centre first")),
        ],
        default="available_desc",
    )

    def __init__(self, formdata, sectors: list[Sector], locations: list[Location], lang: str):
        super().__init__(formdata)
        self.sector.choices = _choices(sectors, lang, _l("All sectors"))
        self.location.choices = _choices(locations, lang, _l("All locations"))
        assert {choice.value for choice in self.sort.choices} == set(PARK_SORTS)

    def filters(self) -> ParkFilters:
        self.validate()
        return ParkFilters(
            location=self.value("location") or "",
            sector=self.value("sector") or "",
            min_available_ha=self.value("min_available"),
            max_land_rent_usd_m2=self.value("max_land_rent"),
            ready_built_factories=bool(self.value("ready_built")),
            sort=self.value("sort") or "available_desc",
        )
