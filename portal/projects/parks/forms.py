"""The park directory's filters: a GET form, so a search can be shared."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DecimalField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from portal.form_messages import in_range
from portal.projects.models import Location, Sector
from portal.projects.parks import costs
from portal.projects.queries import PARK_SORTS, ParkFilters
from portal.query_form import QueryForm, choices_of, filter_range


class ParkFilterForm(QueryForm):
    filter_fields = ("location", "sector", "min_available", "max_land_rent", "ready_built")
    location = SelectField(_l("Location"), default="")
    sector = SelectField(_l("Target sector"), default="")
    min_available = DecimalField(
        _l("Available land at least (ha)"),
        validators=[Optional(), filter_range()],
    )
    max_land_rent = DecimalField(
        _l("Land rent up to (USD/m² for the remaining term)"),
        validators=[Optional(), filter_range()],
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
        self.sector.choices = choices_of(sectors, lang, _l("All sectors"))
        self.location.choices = choices_of(locations, lang, _l("All locations"))
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


class EstimateForm(QueryForm):
    """The cost estimate's needs, read from the query string of the park and compare pages."""

    land_ha = DecimalField(_l("Land (ha)"), validators=[Optional(), in_range(Decimal("0.1"), costs.MAX_LAND_HA)])
    floor_m2 = DecimalField(_l("Ready-built factory floor (m²)"),
                            validators=[Optional(), in_range(Decimal(1), costs.MAX_FLOOR_M2)])
    water_m3_day = DecimalField(_l("Water use (m³ per day)"),
                                validators=[Optional(), in_range(Decimal(0), costs.MAX_WATER_M3_DAY)])

    def needs(self) -> costs.Needs:
        self.validate()
        return costs.Needs(land_ha=self.value("land_ha"), floor_m2=self.value("floor_m2"),
                           water_m3_day=self.value("water_m3_day"))
