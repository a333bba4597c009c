"""The reports' filters: a GET form, so a report can be bookmarked and shared, its CSV files too."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from portal.leads.countries import countries
from portal.leads.models import SOURCE_LABELS
from portal.leads.reports.queries import ReportFilters, default_period
from portal.query_form import QueryForm


def _any(label) -> list[SelectChoice]:
    return [SelectChoice("", label)]


class ReportFilterForm(QueryForm):
    """Leads received in a period (Vietnam dates; by default the last twelve months; an emptied date
    means no limit), of a sector, country, source and owner. An invalid filter is reported beside
    its field and left out."""

    filter_fields = ("received_from", "received_to", "sector", "country", "source", "owner")
    received_from = DateField(_l("Received from"), [Optional()], name="from")
    received_to = DateField(_l("Received until"), [Optional()], name="to")
    sector = SelectField(_l("Sector"), default="")
    country = SelectField(_l("Country or territory"), default="")
    source = SelectField(_l("Source"), default="", choices=_any(_l("Any source")) + [
        SelectChoice(source.value, label) for source, label in SOURCE_LABELS.items()])
    owner = SelectField(_l("Owner"), default="")

    def __init__(self, formdata, sectors, users, lang: str, today: date):
        self.period = default_period(today)
        super().__init__(formdata, data={"received_from": self.period[0], "received_to": self.period[1]})
        self.sector.choices = _any(_l("Any sector")) + [SelectChoice(s.code, s.name(lang)) for s in sectors]
        self.country.choices = _any(_l("Any country")) + [SelectChoice(code, name) for code, name in countries(lang)]
        self.owner.choices = (_any(_l("Anyone")) + [SelectChoice("none", _l("Nobody yet"))]
                              + [SelectChoice(str(u.id), u.name) for u in users])

    def validate_received_to(self, field):
        start = self.received_from.data
        if field.data and start and not self.received_from.errors and field.data < start:
            raise ValidationError(_l("The last day cannot be before the first day."))

    def _day(self, name: str, default: date) -> date | None:
        """The typed day; the default when it is not a valid one; None when emptied on purpose."""
        return default if self[name].errors else self[name].data

    def filters(self) -> ReportFilters:
        self.validate()
        return ReportFilters(
            received_from=self._day("received_from", self.period[0]),
            received_to=self._day("received_to", self.period[1]),
            sector=self.value("sector") or "", country=self.value("country") or "",
            source=self.value("source") or "", owner=self.value("owner") or "",
        )
