"""Forms of the catalogue's back office: an item's shared facts once, its texts per language."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FloatField,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.auth.forms import StaffForm
from portal.form_messages import REQUIRED, FormMeta, in_range
from portal.i18n import LANGUAGE_NAMES, LANGUAGES
from portal.money import LARGEST_MILLIONS, MILLION
from portal.projects.models import INVESTMENT_FORM_LABELS, PROJECT_STATUS_LABELS
from portal.projects.operations import PUBLISH_LANGUAGES, required_text_fields
from portal.projects.slugs import MAX_LENGTH as SLUG_MAX_LENGTH, SLUG_PATTERN

SLUG_HELP = _l("Lowercase letters, digits and hyphens. Leave empty to make it from the title. "
               "If you change it, the old address keeps working.")


def _slug_field():
    return StringField(_l("Address (slug)"), [Optional(), Length(max=SLUG_MAX_LENGTH), Regexp(
        SLUG_PATTERN, message=_l("Use lowercase letters, digits and single hyphens, such as binh-duong-park."))],
        description=SLUG_HELP, filters=[lambda value: value.strip().lower() if value else value])


#: The largest whole number a PostgreSQL ``integer`` column holds.
INTEGER_MAX = 2**31 - 1


def column_max(digits: int, places: int):
    """The largest number a ``Numeric(digits, places)`` column holds (PostgreSQL refuses more)."""
    return Decimal(10) ** (digits - places) - Decimal(10) ** -places


def _decimal(label, first, places=2, digits=10, maximum=None):
    return DecimalField(label, [first, in_range(0, maximum or column_max(digits, places))], places=places)


def _optional_decimal(label, places=2, digits=10, maximum=None):
    return _decimal(label, Optional(), places, digits, maximum)


def _required_decimal(label, places=2, digits=10):
    return _decimal(label, InputRequired(message=REQUIRED), places, digits)


def _optional_int(label, minimum=0, maximum=INTEGER_MAX):
    return IntegerField(label, [Optional(), in_range(minimum, maximum)])


def latitude_field():
    return FloatField(_l("Latitude"), [Optional(), NumberRange(min=-90, max=90)])


def longitude_field():
    return FloatField(_l("Longitude"), [Optional(), NumberRange(min=-180, max=180)])


class TextForm(Form):
    """One language's texts. Empty as a whole means "not translated yet"."""

    class Meta(FormMeta):
        pass

    summary = TextAreaField(_l("Summary"), [Length(max=1000)], render_kw={"rows": 3})
    description = TextAreaField(_l("Description"), [Length(max=20000)], render_kw={"rows": 8})
    confirm_current = BooleanField(_l("Checked against the current Vietnamese and English texts"))

    #: Set by the parent form: the item is published and this language is required.
    must_be_complete = False
    title_field = "title"

    def text_values(self) -> dict[str, str]:
        return {name: (field.data or "").strip() for name, field in self._fields.items()
                if name not in ("confirm_current", "csrf_token")}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        values = self.text_values()
        title = self[self.title_field]
        if any(values.values()) and not values[self.title_field]:
            title.errors = list(title.errors) + [_l("Give the title in this language, or leave all its fields empty.")]
            valid = False
        if self.must_be_complete:
            for name in required_text_fields(self.kind):
                if not values[name]:
                    self[name].errors = list(self[name].errors) + [
                        _l("Required while the item is published in this language.")]
                    valid = False
        return valid


class ProjectTextForm(TextForm):
    kind = "project"
    title = StringField(_l("Title"), [Length(max=200)])
    incentives = TextAreaField(_l("Investment incentives"), [Length(max=5000)], render_kw={"rows": 3})
    contact_agency = StringField(_l("Contact agency"), [Length(max=255)])


class ParkTextForm(TextForm):
    kind = "park"
    title_field = "name"
    name = StringField(_l("Name of the park"), [Length(max=200)])
    excluded_industries = TextAreaField(_l("Industries not accepted"), [Length(max=2000)], render_kw={"rows": 2})
    nearest_seaport = StringField(_l("Nearest seaport"), [Length(max=200)])


class ItemForm(StaffForm):
    """Shared by projects and parks: the slug and a text section per language."""

    text_form = TextForm

    def __init__(self, *args, published: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        for lang in PUBLISH_LANGUAGES:
            self[f"texts_{lang}"].form.must_be_complete = published

    def text_sections(self):
        return [(lang, self[f"texts_{lang}"]) for lang in LANGUAGES]

    def texts(self) -> dict[str, dict[str, str]]:
        return {lang: section.form.text_values() for lang, section in self.text_sections()}

    def confirmed(self) -> set[str]:
        return {lang for lang, section in self.text_sections() if section.form.confirm_current.data}


class ProjectForm(ItemForm):
    slug = _slug_field()
    sector_id = SelectField(_l("Sector"), [InputRequired(message=REQUIRED)], coerce=int)
    location_id = SelectField(_l("Location"), [InputRequired(message=REQUIRED)], coerce=int)
    park_id = SelectField(_l("Industrial park"), coerce=lambda value: int(value) if value not in ("", None) else None)
    investment_form = SelectField(_l("Form of investment"), [InputRequired(message=REQUIRED)],
                                  choices=[SelectChoice(value, label) for value, label in INVESTMENT_FORM_LABELS.items()])
    status = SelectField(_l("Status"), [InputRequired(message=REQUIRED)],
                         choices=[SelectChoice(value, label) for value, label in PROJECT_STATUS_LABELS.items()])
    total_investment_usd = IntegerField(_l("Total investment (USD)"), [InputRequired(message=REQUIRED),
                                                                       in_range(0, LARGEST_MILLIONS * MILLION)])
    total_investment_vnd = _optional_int(_l("Total investment as published in VND (optional)"), maximum=10**15)
    land_area_ha = _optional_decimal(_l("Land area (ha)"))
    timeline_start = _optional_int(_l("Implementation from (year)"), 1990, 2100)
    timeline_end = _optional_int(_l("Implementation until (year)"), 1990, 2100)
    latitude = latitude_field()
    longitude = longitude_field()

    def validate_timeline_end(self, field):
        if field.data and self.timeline_start.data and field.data < self.timeline_start.data:
            raise ValidationError(_l("The end year cannot be before the start year."))


class ParkForm(ItemForm):
    slug = _slug_field()
    developer = StringField(_l("Developer"), [DataRequired(message=REQUIRED), Length(max=200)])
    location_id = SelectField(_l("Location"), [InputRequired(message=REQUIRED)], coerce=int)
    target_sectors = SelectMultipleField(_l("Target sectors"), coerce=int, widget=ListWidget(prefix_label=False),
                                         option_widget=CheckboxInput())
    established_year = _optional_int(_l("Established (year)"), 1900, 2100)
    total_area_ha = _required_decimal(_l("Total area (ha)"))
    industrial_land_ha = _optional_decimal(_l("Industrial land (ha)"))
    available_area_ha = _required_decimal(_l("Land available now (ha)"))
    occupancy_pct = _optional_decimal(_l("Occupancy (percent)"), places=1, maximum=100)
    tenants_domestic = _optional_int(_l("Domestic tenants"))
    tenants_foreign = _optional_int(_l("Foreign tenants"))
    land_rent_min_usd_m2 = _optional_decimal(_l("Land rent from (USD per m² for the remaining term)"))
    land_rent_max_usd_m2 = _optional_decimal(_l("Land rent up to (USD per m² for the remaining term)"))
    factory_rent_min_usd_m2_month = _optional_decimal(_l("Factory rent from (USD per m² per month)"), digits=8)
    factory_rent_max_usd_m2_month = _optional_decimal(_l("Factory rent up to (USD per m² per month)"), digits=8)
    maintenance_fee_usd_m2_year = _optional_decimal(_l("Maintenance fee (USD per m² per year)"), digits=8)
    wastewater_fee_usd_m3 = _optional_decimal(_l("Wastewater treatment fee (USD per m³)"), digits=8)
    lease_term_end = DateField(_l("Land lease term ends"), [Optional()])
    seaport_distance_km = _optional_decimal(_l("Distance to the seaport (km)"), places=1, digits=7)
    seaport_max_vessel_dwt = _optional_int(_l("Largest vessel at that port (DWT)"))
    airport_distance_km = _optional_decimal(_l("Distance to the airport (km)"), places=1, digits=7)
    hcmc_centre_distance_km = _optional_decimal(_l("Distance to Ho Chi Minh City centre (km)"), places=1, digits=7)
    highway_distance_km = _optional_decimal(_l("Distance to the expressway (km)"), places=1, digits=7)
    power_capacity_mva = _optional_decimal(_l("Power capacity (MVA)"), places=1)
    water_capacity_m3_day = _optional_int(_l("Water supply (m³ per day)"))
    wastewater_capacity_m3_day = _optional_int(_l("Wastewater treatment (m³ per day)"))
    ready_built_factories = BooleanField(_l("Ready-built factories for rent"))
    latitude = latitude_field()
    longitude = longitude_field()

    def validate_available_area_ha(self, field):
        if field.data is not None and self.total_area_ha.data is not None and field.data > self.total_area_ha.data:
            raise ValidationError(_l("The land available cannot exceed the total area."))

    def validate_land_rent_max_usd_m2(self, field):
        _check_range(self.land_rent_min_usd_m2, field)

    def validate_factory_rent_max_usd_m2_month(self, field):
        _check_range(self.factory_rent_min_usd_m2_month, field)


def _check_range(low, high):
    if high.data is not None and low.data is not None and high.data < low.data:
        raise ValidationError(_l("The upper price cannot be below the lower one."))


for _lang in LANGUAGES:
    for _form, _text_form in ((ProjectForm, ProjectTextForm), (ParkForm, ParkTextForm)):
        setattr(_form, f"texts_{_lang}", FormField(_text_form, label=LANGUAGE_NAMES[_lang]))


#: A rate outside these bounds is a typing slip (the dong has traded at 15,000–27,000 per dollar this century).
VND_PER_USD_RANGE = (1_000, 100_000)


class ExchangeRateForm(StaffForm):
    vnd_per_usd = DecimalField(_l("VND per USD"), [InputRequired(message=REQUIRED), in_range(*VND_PER_USD_RANGE)],
                               places=2)
    applies_from = DateField(_l("Applies from"), [InputRequired(message=REQUIRED)])
    source = StringField(_l("Source of the rate"), [DataRequired(message=REQUIRED), Length(max=255)])

    def validate_applies_from(self, field):
        """A rate for a later day would reach the cached public pages only at their next change."""
        from portal.clock import today_in_vietnam

        if field.data and field.data > today_in_vietnam():
            raise ValidationError(_l("Enter today's date or an earlier one."))
