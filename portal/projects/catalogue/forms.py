"""The catalogue's filters: a GET form, so a search can be shared."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, SearchField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from portal.money import usd_from_millions
from portal.projects.models import INVESTMENT_FORM_LABELS, PROJECT_STATUS_LABELS, Location, Sector
from portal.projects.queries import PROJECT_SORTS, ProjectFilters
from portal.query_form import QueryForm, choices_of, filter_range, not_below


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
        validators=[Optional(), filter_range()],
    )
    max_investment = DecimalField(
        _l("Total investment up to (USD million)"),
        validators=[
            Optional(),
            filter_range(),
            not_below("min_investment", _l("The upper limit must not be below the lower limit.")),
        ],
    )
    min_area = DecimalField(
        _l("Land area from (ha)"),
        validators=[Optional(), filter_range()],
    )
    max_area = DecimalField(
        _l("Land area up to (ha)"),
        validators=[
            Optional(),
            filter_range(),
            not_below("min_area", _l("The upper limit must not be below the lower limit.")),
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
        self.sector.choices = choices_of(sectors, lang, _l("All sectors"))
        self.location.choices = choices_of(locations, lang, _l("All locations"))
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
            min_investment_usd=usd_from_millions(self.value("min_investment")),
            max_investment_usd=usd_from_millions(self.value("max_investment")),
            min_area_ha=self.value("min_area"),
            max_area_ha=self.value("max_area"),
            sort=self.value("sort") or "featured",
        )
