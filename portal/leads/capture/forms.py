"""The public forms: inquiry, site-visit request and referral. Flask-WTF, so every POST
carries a CSRF token; every message a person reads is translated."""
from __future__ import annotations

import re
import secrets
from functools import lru_cache

from flask_babel import get_locale, lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import (
    BooleanField,
    Field,
    DateField,
    DecimalField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.fields.choices import Choice, SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget, Select, html_params

from portal import clock
from portal.antispam import sent_too_fast
from portal.clean_input import clean_line
from portal.form_messages import BAD_EMAIL, REQUIRED, FormMeta, in_range
from portal.form_widgets import select_around
from portal.i18n import LANGUAGE_NAMES, LANGUAGES
from portal.leads.countries import countries
from portal.leads.models import REFERRER_KIND_LABELS, TIMELINE_LABELS
from portal.money import LARGEST_MILLIONS

#: Where most of the region's investors come from: listed first in the country menu.
FREQUENT_COUNTRIES = ("KR", "JP", "SG", "TW", "CN", "US", "NL", "DE", "VN")
PHONE = r"^[0-9+()\-\s.]{6,40}$"
FORM_KEY = re.compile(r"[A-Za-z0-9_-]{20,64}")

TOO_LONG = _l("Please keep this under %(max)d characters.")
BAD_PHONE = _l("Please enter a phone number with digits, spaces and + ( ) - only.")


#: How many projects, and parks, one inquiry may name (a shortlist keeps at most 20 items).
MAX_CHOSEN = 20


class HiddenSlugs(Field):
    """Slugs of catalogue items the form was opened for (``?project=a&project=b``): one hidden input
    each, so the form sent carries all of them."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, default=(), **kwargs)

    def process_formdata(self, valuelist):
        slugs = (clean_line(value)[:160] for value in valuelist)
        self.data = list(dict.fromkeys(slug for slug in slugs if slug))[:MAX_CHOSEN]

    def __call__(self, **kwargs):
        return Markup("".join(f'<input {html_params(type="hidden", name=self.name, value=slug)}>'
                              for slug in self.data or ()))


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _text(label, max_length: int, required: bool = True):
    first = DataRequired(message=REQUIRED) if required else Optional()
    return StringField(label, [first, Length(max=max_length, message=TOO_LONG)], filters=[_strip], default="")


def _email(label):
    return EmailField(label, [DataRequired(message=REQUIRED), Length(max=254, message=TOO_LONG),
                              Email(message=BAD_EMAIL, check_deliverability=False)], filters=[_strip], default="")


def _phone(label):
    return TelField(label, [Optional(), Length(max=40, message=TOO_LONG), Regexp(PHONE, message=BAD_PHONE)],
                    filters=[_strip], default="")


def _message(label, required: bool = True):
    first = DataRequired(message=REQUIRED) if required else Optional()
    return TextAreaField(label, [first, Length(max=5000, message=TOO_LONG)], filters=[_strip], default="")


def _checkboxes(label):
    return SelectMultipleField(label, widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                               validate_choice=True)


def _amount(label, maximum: int):
    return DecimalField(label, [Optional(), in_range(0, maximum)])


@lru_cache(maxsize=8)
def country_choices(lang: str) -> tuple[SelectChoice, ...]:
    """Built once per language: the labels are lazy, so they are translated when shown."""
    frequent = _l("Frequently chosen")
    everyone = _l("All countries and territories")
    names = dict(countries(lang))
    return tuple(
        [SelectChoice("", _l("Choose a country"))]
        + [SelectChoice(code, names[code], optgroup=frequent) for code in FREQUENT_COUNTRIES]
        + [SelectChoice(code, name, optgroup=everyone) for code, name in countries(lang)]
    )


@lru_cache(maxsize=32)
def _country_options(lang: str, locale: str) -> str:
    """The country menu's options, none chosen, as WTForms writes them."""
    parts, group = [], None
    for choice in country_choices(lang):
        if choice.optgroup != group:
            parts.append("</optgroup>" if group is not None else "")
            group = choice.optgroup
            parts.append(f"<optgroup {html_params(label=group)}>" if group is not None else "")
        parts.append(Select.render_option(Choice(choice.value, choice.label, False, choice.render_kw)))
    parts.append("</optgroup>" if group is not None else "")
    return "".join(parts)


class CountrySelect(Select):
    """The country menu, written once per language and reused: WTForms formats each of its 270
    options again on every page, which took half the time of showing a form. Writes exactly what
    WTForms' ``Select`` writes (``tests/leads/capture/test_fast_forms.py``). ``options`` writes a
    menu's options for (language, locale); the staff list's filter has its own."""

    def __init__(self, options=None):
        super().__init__()
        self.options = options or _country_options

    def __call__(self, field, **kwargs):
        return select_around(field, self.options(field.menu_language, str(get_locale())), **kwargs)


@lru_cache(maxsize=8)
def _country_codes(lang: str) -> frozenset[str]:
    return frozenset(choice.value for choice in country_choices(lang))


class CountryField(SelectField):
    """A country from the menu; checked against a set, not by building the 270 options again."""

    widget = CountrySelect()

    def pre_validate(self, form):
        if self.data not in _country_codes(self.menu_language):
            raise ValidationError(self.invalid_choice_message or self.gettext("Not a valid choice."))


def _country_field(label):
    return CountryField(label, [DataRequired(message=_l("Please choose a country."))], default="")


def language_choices() -> list[SelectChoice]:
    return [SelectChoice(code, LANGUAGE_NAMES[code], render_kw={"lang": code}) for code in LANGUAGES]


class PublicForm(FlaskForm):
    """What every public form shares: consent, and the two spam checks."""

    class Meta(FormMeta):
        pass

    #: The honeypot: hidden from people, filled in by bots.
    website = StringField(_l("Leave this field empty"))
    started = HiddenField()
    #: Random, given when the form is shown: the same form sent twice is one submission.
    form_key = HiddenField()
    #: The page the visitor came from, for staff to see what brought them.
    came_from = HiddenField(validators=[Length(max=500)])
    consent = BooleanField(
        _l("I agree that the investment promotion centre processes the personal data in this form to answer my "
           "request."),
        [DataRequired(message=_l("Please give your consent, otherwise we cannot answer your request."))],
    )
    news = BooleanField(_l("Also send me news of investment opportunities (optional)."))

    def __init__(self, lang: str, sectors=(), **kwargs):
        super().__init__(**kwargs)
        self.lang = lang
        for field in self:
            if field.name in ("country", "prospect_country"):
                field.choices, field.menu_language = country_choices(lang), lang
            elif field.name in ("sectors", "prospect_sectors"):
                field.choices = [SelectChoice(sector.code, sector.name(lang)) for sector in sectors]

    @property
    def is_spam_bait_taken(self) -> bool:
        return bool((self.website.data or "").strip())

    def spam_problem(self) -> str | None:
        """Why the form sent is refused before it is read: "rejected" (the honeypot was filled in),
        "too_fast" (sent quicker than a person types), else None."""
        if self.is_spam_bait_taken:
            return "rejected"
        if sent_too_fast(self.started.data):
            return "too_fast"
        return None

    def keep_or_give_key(self) -> str:
        """The key the form came back with, kept for the next sending; a new one when it came
        without (the form is being shown) or with something we never gave."""
        if not FORM_KEY.fullmatch(self.form_key.data or ""):
            self.form_key.data = secrets.token_urlsafe(24)
        return self.form_key.data


class InvestorDetails(PublicForm):
    name = _text(_l("Your name"), 120)
    company = _text(_l("Company"), 200)
    job_title = _text(_l("Job title"), 120, required=False)
    country = _country_field(_l("Country or territory"))
    email = _email(_l("E-mail"))
    phone = _phone(_l("Phone"))


class InquiryForm(InvestorDetails):
    sectors = _checkboxes(_l("Sectors of interest"))
    estimated_investment = _amount(_l("Estimated investment (USD million)"), LARGEST_MILLIONS)
    land_need = _amount(_l("Land needed (ha)"), 10_000)
    timeline = SelectField(
        _l("When do you plan to invest?"),
        choices=[SelectChoice("", _l("Not decided yet"))]
        + [SelectChoice(value.value, label) for value, label in TIMELINE_LABELS.items()],
        default="",
    )
    message = _message(_l("Your question or project"))
    project = HiddenSlugs()
    park = HiddenSlugs()
    #: The site finder's needs, as its query string (``capture.site_needs``).
    site_needs = HiddenField(validators=[Length(max=500)])


class VisitForm(InvestorDetails):
    parks = _checkboxes(_l("Industrial parks to visit"))
    projects = _checkboxes(_l("Investment projects to see"))
    visit_from = DateField(_l("Preferred dates: from"), [InputRequired(message=_l("Please choose a date."))])
    visit_to = DateField(_l("Preferred dates: to"), [InputRequired(message=_l("Please choose a date."))])
    visitors = IntegerField(_l("Number of visitors"), [
        InputRequired(message=REQUIRED),
        in_range(1, 50),
    ], default=1)
    guide_language = SelectField(_l("Language of the guide"))
    message = _message(_l("Anything we should prepare for the visit?"), required=False)

    def __init__(self, lang: str, sectors=(), parks=(), projects=(), **kwargs):
        super().__init__(lang, sectors, **kwargs)
        self.parks.choices = [SelectChoice(park.slug, park.text(lang).text.name) for park in parks]
        self.projects.choices = [SelectChoice(project.slug, project.text(lang).text.title) for project in projects]
        self.park_groups, self.project_groups = visit_choice_groups(parks, projects, lang)
        self.guide_language.choices = language_choices()
        if not self.is_submitted():
            self.guide_language.data = lang

    def validate_parks(self, field):
        if not field.data and not self.projects.data:
            raise ValidationError(_l("Choose at least one industrial park or project to visit."))

    def validate_visit_from(self, field):
        if field.data and field.data < clock.today_in_vietnam():
            raise ValidationError(_l("The visit cannot start in the past."))

    def validate_visit_to(self, field):
        if field.data and self.visit_from.data and field.data < self.visit_from.data:
            raise ValidationError(_l("The last day cannot be before the first day."))


def visit_choice_groups(parks, projects, lang: str) -> tuple[list[tuple[str, list[str]]], list[tuple[str, list[str]]]]:
    """The visit form's choices as (heading, slugs) groups, so a phone shows short lists: parks by
    location; projects by the park they lie in, then those outside the parks by sector."""
    by_location: dict = {}
    for park in parks:
        by_location.setdefault(park.location, []).append(park.slug)
    park_groups = [(location.name(lang), slugs)
                   for location, slugs in sorted(by_location.items(), key=lambda item: (item[0].position, item[0].id))]
    in_park: dict[int, list[str]] = {}
    by_sector: dict = {}
    for project in projects:
        if project.park_id is not None and any(park.id == project.park_id for park in parks):
            in_park.setdefault(project.park_id, []).append(project.slug)
        else:
            by_sector.setdefault(project.sector, []).append(project.slug)
    project_groups = [(park.text(lang).text.name, in_park[park.id]) for park in parks if park.id in in_park]
    project_groups += [(_l("%(sector)s, outside the parks", sector=sector.name(lang)), slugs)
                       for sector, slugs in sorted(by_sector.items(), key=lambda item: (item[0].position, item[0].id))]
    return park_groups, project_groups


class ReferralForm(PublicForm):
    introducer_name = _text(_l("Your name"), 120)
    introducer_organisation = _text(_l("Your company or organisation"), 200)
    introducer_email = _email(_l("Your e-mail"))
    introducer_relationship = SelectField(
        _l("You are"),
        [DataRequired(message=_l("Please choose one."))],
        choices=[SelectChoice("", _l("Choose one"))]
        + [SelectChoice(kind.value, label) for kind, label in REFERRER_KIND_LABELS.items()],
        default="",
    )
    prospect_name = _text(_l("Their name"), 120)
    prospect_company = _text(_l("Their company"), 200)
    prospect_job_title = _text(_l("Their job title"), 120, required=False)
    prospect_country = _country_field(_l("Their country or territory"))
    prospect_email = _email(_l("Their e-mail"))
    prospect_phone = _phone(_l("Their phone"))
    prospect_language = SelectField(_l("Language they prefer"))
    prospect_sectors = _checkboxes(_l("Sectors they are interested in"))
    estimated_investment = _amount(_l("Estimated investment, if known (USD million)"), LARGEST_MILLIONS)
    message = _message(_l("Why would they fit here?"))
    prospect_agreed = BooleanField(
        _l("The person I introduce has agreed that I share their contact details with the centre."),
        [DataRequired(message=_l("We can only contact people who agreed to be introduced."))],
    )

    def __init__(self, lang: str, sectors=(), **kwargs):
        super().__init__(lang, sectors, **kwargs)
        self.prospect_language.choices = language_choices()
        if not self.is_submitted():
            self.prospect_language.data = lang

    def validate_prospect_email(self, field):
        if field.data and field.data.lower() == (self.introducer_email.data or "").lower():
            raise ValidationError(_l("Please give the e-mail of the person you introduce, not your own."))
