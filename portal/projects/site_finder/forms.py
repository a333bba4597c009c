"""The site finder's needs: a GET form, so a search is a shareable URL. The inquiry form reads
the same query string to carry the needs to the centre."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from portal.form_messages import in_range
from portal.leads.models.lead import TIMELINE_LABELS
from portal.projects.models import Sector
from portal.projects.site_finder.fit import NEED_LABELS, Requirements
from portal.query_form import FILTER_MAXIMUM, QueryForm

NEEDS_COST_AREA = _l("To compare the cost with your budget, say how much land or factory floor you need.")


def _number(name: str, maximum=FILTER_MAXIMUM):
    return DecimalField(NEED_LABELS[name], validators=[Optional(), in_range(0, maximum)])


class SiteFinderForm(QueryForm):
    filter_fields = ("sector", "land_ha", "floor_m2", "power_mva", "water_m3_day", "max_seaport_km",
                     "max_airport_km", "max_centre_km", "budget_musd", "start")
    sector = SelectField(NEED_LABELS["sector"], default="")
    land_ha = _number("land_ha", 10_000)
    floor_m2 = _number("floor_m2")
    power_mva = _number("power_mva", 10_000)
    water_m3_day = _number("water_m3_day")
    max_seaport_km = _number("max_seaport_km", 10_000)
    max_airport_km = _number("max_airport_km", 10_000)
    max_centre_km = _number("max_centre_km", 10_000)
    budget_musd = _number("budget_musd", 100_000)
    start = SelectField(NEED_LABELS["start"], default="")

    def __init__(self, formdata, sectors: list[Sector], lang: str):
        super().__init__(formdata)
        self.sector.choices = [SelectChoice("", _l("Any sector"))] + [
            SelectChoice(sector.code, sector.name(lang)) for sector in sectors]
        self.start.choices = [SelectChoice("", _l("Not decided yet"))] + [
            SelectChoice(value.value, label) for value, label in TIMELINE_LABELS.items()]
        self.sector_names = {sector.code: sector.name(lang) for sector in sectors}

    def validate_budget_musd(self, field):
        if field.data is not None and self.land_ha.data is None and self.floor_m2.data is None:
            raise ValidationError(NEEDS_COST_AREA)

    def requirements(self) -> Requirements | None:
        """The needs, or ``None`` while a field is wrong (its message is beside it)."""
        if not self.validate():
            return None
        return Requirements(**{name: self[name].data if name not in ("sector", "start") else self[name].data or ""
                               for name in self.filter_fields})
