"""The map's filters: the lists' own (sector, location, land), as a GET form so a map can be shared."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, SelectField
from wtforms.validators import Optional

from portal.projects.map.places import MapFilters
from portal.projects.models import Location, Sector
from portal.query_form import QueryForm, choices_of, filter_range


class MapFilterForm(QueryForm):
    filter_fields = ("sector", "location", "min_land")
    sector = SelectField(_l("Sector"), default="")
    location = SelectField(_l("Location"), default="")
    min_land = DecimalField(
        _l("Land at least (ha)"),
        description=_l("Available land of a park, land area of a project."),
        validators=[Optional(), filter_range()],
    )

    def __init__(self, formdata, sectors: list[Sector], locations: list[Location], lang: str):
        super().__init__(formdata)
        self.sector.choices = choices_of(sectors, lang, _l("All sectors"))
        self.location.choices = choices_of(locations, lang, _l("All locations"))

    def filters(self) -> MapFilters:
        self.validate()
        return MapFilters(sector=self.value("sector") or "", location=self.value("location") or "",
                          min_land_ha=self.value("min_land"))
