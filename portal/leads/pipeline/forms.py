"""Back-office forms: the lead list's filters, and the actions on a lead."""
from __future__ import annotations

from functools import lru_cache

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    IntegerField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import Choice, SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, Select

from portal.auth.forms import StaffForm
from portal.form_messages import BAD_EMAIL, REQUIRED, in_range
from portal.form_widgets import RememberedSelect
from portal.i18n import LANGUAGE_NAMES, LANGUAGES
from portal.leads.capture.forms import CountrySelect
from portal.leads.countries import countries
from portal.leads.models import ACTIVITY_LABELS, LEAD_KIND_LABELS, SOURCE_LABELS, TIMELINE_LABELS, ActivityKind
from portal.leads.queries import LEAD_SORTS, LeadFilters
from portal.leads.rules.stage_facts import StageFacts
from portal.leads.rules.tags import MAX_TAGS, parse_tags
from portal.money import LARGEST_MILLIONS, usd_from_millions
from portal.query_form import QueryForm

#: Bounds of what staff type, within the columns that keep it.
LARGEST_JOBS = 1_000_000
LARGEST_LAND_NEED_HA = 10_000

STATUS_LABELS = {"open": _l("Open"), "won": _l("Registered"), "lost": _l("Lost"), "all": _l("All")}
LOGGABLE = (ActivityKind.NOTE, ActivityKind.CALL, ActivityKind.EMAIL, ActivityKind.MEETING, ActivityKind.SITE_VISIT)


def _any(label) -> list[SelectChoice]:
    return [SelectChoice("", label)]


def _country_filter_choices(lang: str) -> list[SelectChoice]:
    return _any(_l("Any country")) + [SelectChoice(code, name) for code, name in countries(lang)]


@lru_cache(maxsize=32)
def _country_filter_options(lang: str, _locale: str) -> str:
    """The list filter's country menu, none chosen, written once per language (``CountrySelect``)."""
    return "".join(Select.render_option(Choice(choice.value, choice.label, False, choice.render_kw))
                   for choice in _country_filter_choices(lang))


class LeadFilterForm(QueryForm):
    filter_fields = ("q", "status", "stage", "owner", "kind", "source", "referrer", "event", "country", "sector",
                     "language", "tag", "created_from", "created_to", "overdue", "no_next_step",
                     "waiting_for_us")
    q = SearchField(_l("Search name, company, e-mail, message"), [Optional(), Length(max=100)])
    status = SelectField(_l("Status"), default="open", widget=RememberedSelect(),
                         choices=[SelectChoice(value, label) for value, label in STATUS_LABELS.items()])
    stage = SelectField(_l("Stage"), default="", widget=RememberedSelect())
    owner = SelectField(_l("Owner"), default="", widget=RememberedSelect())
    kind = SelectField(_l("Kind"), default="", widget=RememberedSelect(),
                       choices=_any(_l("Any kind")) + [SelectChoice(k.value, v) for k, v in LEAD_KIND_LABELS.items()])
    source = SelectField(_l("Source"), default="", widget=RememberedSelect(),
                         choices=_any(_l("Any source")) + [SelectChoice(k.value, v) for k, v in SOURCE_LABELS.items()])
    referrer = SelectField(_l("Referrer"), default="", widget=RememberedSelect())
    event = SelectField(_l("Event"), default="", widget=RememberedSelect())
    country = SelectField(_l("Country or territory"), default="", widget=CountrySelect(_country_filter_options))
    sector = SelectField(_l("Sector"), default="", widget=RememberedSelect())
    language = SelectField(_l("Language"), default="", widget=RememberedSelect(),
                           choices=_any(_l("Any language")) + [SelectChoice(code, LANGUAGE_NAMES[code])
                                                               for code in LANGUAGES])
    tag = SelectField(_l("Tag"), default="", widget=RememberedSelect())
    created_from = DateField(_l("Received from"), [Optional()])
    created_to = DateField(_l("Received until"), [Optional()])
    overdue = BooleanField(_l("First answer overdue"))
    no_next_step = BooleanField(_l("No next step planned"))
    waiting_for_us = BooleanField(_l("Investor replied, waiting for us"))
    sort = SelectField(_l("Sort by"), default="newest", widget=RememberedSelect(), choices=[
        SelectChoice("priority", _l("Highest priority first")), SelectChoice("newest", _l("Newest first")), SelectChoice("oldest", _l("Oldest first")),
        SelectChoice("due", _l("Answer due first")), SelectChoice("investment", _l("Largest investment first")),
        SelectChoice("company", _l("Company name")), SelectChoice("next_step", _l("Next step first")),
    ])

    def __init__(self, formdata, stages, users, referrers, events, sectors, lang: str, tags=()):
        super().__init__(formdata)
        self.tag.choices = _any(_l("Any tag")) + [SelectChoice(str(t.id), t.name) for t in tags]
        self.stage.choices = _any(_l("Any stage")) + [SelectChoice(str(s.id), s.name(lang)) for s in stages]
        self.owner.choices = (_any(_l("Anyone")) + [SelectChoice("none", _l("Nobody yet"))]
                              + [SelectChoice(str(u.id), u.name) for u in users])
        self.referrer.choices = _any(_l("Any referrer")) + [SelectChoice(str(r.id), r.name) for r in referrers]
        self.event.choices = _any(_l("Any event")) + [SelectChoice(str(e.id), e.name) for e in events]
        self.country.choices, self.country.menu_language = _country_filter_choices(lang), lang
        self.sector.choices = _any(_l("Any sector")) + [SelectChoice(s.code, s.name(lang)) for s in sectors]
        assert {choice.value for choice in self.sort.choices} == set(LEAD_SORTS)

    def _number(self, name: str) -> int | None:
        value = self.value(name) or ""
        return int(value) if value.isdigit() else None

    def filters(self) -> LeadFilters:
        self.validate()
        return LeadFilters(
            q=(self.value("q") or "").strip(), status=self.value("status") or "open", stage=self._number("stage"),
            owner=self.value("owner") or "", kind=self.value("kind") or "", source=self.value("source") or "",
            referrer=self._number("referrer"), event=self._number("event"), country=self.value("country") or "", sector=self.value("sector") or "",
            language=self.value("language") or "", tag=self._number("tag"), created_from=self.value("created_from"),
            created_to=self.value("created_to"), overdue=bool(self.value("overdue")),
            no_next_step=bool(self.value("no_next_step")), waiting_for_us=bool(self.value("waiting_for_us")),
            sort=self.value("sort") or "newest",
        )


class ActivityForm(StaffForm):
    kind = SelectField(_l("What happened"), default=ActivityKind.NOTE.value,
                       choices=[SelectChoice(kind.value, ACTIVITY_LABELS[kind]) for kind in LOGGABLE])
    body = TextAreaField(_l("Details"), [DataRequired(message=REQUIRED), Length(max=10_000)])


class AssignForm(StaffForm):
    owner = SelectField(_l("Owner"))

    def __init__(self, users, **kwargs):
        super().__init__(**kwargs)
        self.owner.choices = [SelectChoice("", _l("Nobody"))] + [SelectChoice(str(u.id), u.name) for u in users]


class StageForm(StaffForm):
    """Moving a lead; the fact fields are those a target stage may require."""

    stage = SelectField(_l("Move to stage"))
    sectors = SelectMultipleField(_l("Sectors of interest"), widget=ListWidget(prefix_label=False),
                                  option_widget=CheckboxInput())
    estimated_investment = DecimalField(_l("Estimated investment (USD million)"),
                                        [Optional(), in_range(0, LARGEST_MILLIONS)])
    visit_from = DateField(_l("Date of the site visit"), [Optional()])
    registered_capital = DecimalField(_l("Registered capital (USD million)"),
                                      [Optional(), in_range(0, LARGEST_MILLIONS)])
    expected_jobs = IntegerField(_l("Expected jobs"), [Optional(), in_range(0, LARGEST_JOBS)])
    certificate_date = DateField(_l("Date of the investment registration certificate"), [Optional()])
    lost_reason = SelectField(_l("Reason the lead was lost"), default="")
    lost_comment = StringField(_l("Comment on the loss"), [Optional(), Length(max=1000)])

    def __init__(self, stages, reasons, lang: str, sectors=(), **kwargs):
        super().__init__(**kwargs)
        self.stage.choices = [SelectChoice(str(s.id), s.name(lang)) for s in stages]
        self.sectors.choices = [SelectChoice(sector.code, sector.name(lang)) for sector in sectors]
        self.lost_reason.choices = _any(_l("Choose a reason")) + [SelectChoice(str(r.id), r.name(lang))
                                                                  for r in reasons]

    def stage_facts(self, sectors, reasons) -> StageFacts:
        """What was typed, as the lead keeps it (amounts in dollars, the reason as a record)."""
        return StageFacts(
            sectors=[sector for sector in sectors if sector.code in (self.sectors.data or [])],
            estimated_investment_usd=usd_from_millions(self.estimated_investment.data),
            visit_from=self.visit_from.data,
            registered_capital_usd=usd_from_millions(self.registered_capital.data),
            expected_jobs=self.expected_jobs.data,
            certificate_date=self.certificate_date.data,
            lost_reason=next((reason for reason in reasons if str(reason.id) == self.lost_reason.data), None),
            lost_comment=self.lost_comment.data or None,
        )


class TaskForm(StaffForm):
    title = StringField(_l("Task"), [DataRequired(message=REQUIRED), Length(max=200)])
    due_date = DateField(_l("Due on"), [DataRequired(message=_l("Please choose a date."))])
    assignee = SelectField(_l("For"))

    def __init__(self, users, **kwargs):
        super().__init__(**kwargs)
        self.assignee.choices = [SelectChoice(str(u.id), u.name) for u in users]


def _tag_lengths(form, field):
    names = parse_tags(field.data or "")
    if any(len(name) > TAG_LENGTH for name in names):
        raise ValidationError(_l("A tag is at most 40 characters."))
    if len(names) > MAX_TAGS:
        raise ValidationError(_l("A lead has at most 10 tags."))


TAG_LENGTH = 40


class TagsForm(StaffForm):
    tags = StringField(_l("Tags"), [Optional(), Length(max=500), _tag_lengths],
                       description=_l("Separate tags with commas, e.g. Korea desk, EV supply chain."))


class BulkForm(StaffForm):
    """An action on the leads ticked in the list."""

    action = SelectField(_l("With the selected leads"), widget=RememberedSelect(), choices=[
        SelectChoice("assign", _l("Assign to")), SelectChoice("stage", _l("Move to stage")),
        SelectChoice("tag", _l("Add the tag")), SelectChoice("export", _l("Export as CSV")),
    ])
    tag = StringField(_l("Tag"), [Optional(), Length(max=TAG_LENGTH)])
    #: Checked in the view against the chosen action (a stage is only needed to move leads).
    owner = SelectField(_l("Owner"), default="", validate_choice=False, widget=RememberedSelect())
    stage = SelectField(_l("Stage"), default="", validate_choice=False, widget=RememberedSelect())

    def __init__(self, users, stages, lang: str, **kwargs):
        super().__init__(**kwargs)
        self.owner.choices = [SelectChoice("", _l("Nobody"))] + [SelectChoice(str(u.id), u.name) for u in users]
        self.stage.choices = [SelectChoice(str(s.id), s.name(lang)) for s in stages]


class SavedFilterForm(StaffForm):
    name = StringField(_l("Name of this search"), [DataRequired(message=REQUIRED), Length(max=80)])
    query = StringField(validators=[Length(max=1000)])


class MergeForm(StaffForm):
    """The choices are radio buttons named after each field ("this" or "duplicate")."""


MERGE_LABELS = {
    "name": _l("Name"), "company": _l("Company"), "job_title": _l("Job title"),
    "country": _l("Country or territory"), "email": _l("E-mail"), "phone": _l("Phone"),
    "preferred_language": _l("Preferred language"), "estimated_investment_usd": _l("Estimated investment"),
    "land_need_ha": _l("Land needed"), "timeline": _l("Investment timeline"),
}


class ContactForm(StaffForm):
    """Who the investor is: corrected on a personal data request or when the lead is edited."""

    name = StringField(_l("Name"), [DataRequired(message=REQUIRED), Length(max=120)])
    company = StringField(_l("Company"), [Optional(), Length(max=200)])
    job_title = StringField(_l("Job title"), [Optional(), Length(max=120)])
    email = EmailField(_l("E-mail"), [DataRequired(message=REQUIRED), Length(max=254),
                                      Email(message=BAD_EMAIL, check_deliverability=False)])
    phone = StringField(_l("Phone"), [Optional(), Length(max=40)])


class LeadEditForm(ContactForm):
    """What staff learn after the first message: the investor's details and interests."""

    country = SelectField(_l("Country or territory"), [DataRequired(message=REQUIRED)])
    preferred_language = SelectField(_l("Preferred language"),
                                     choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES])
    sectors = SelectMultipleField(_l("Sectors of interest"), widget=ListWidget(prefix_label=False),
                                  option_widget=CheckboxInput())
    estimated_investment = DecimalField(_l("Estimated investment (USD million)"),
                                        [Optional(), in_range(0, LARGEST_MILLIONS)])
    land_need_ha = DecimalField(_l("Land needed (ha)"), [Optional(), in_range(0, LARGEST_LAND_NEED_HA)], places=2)
    timeline = SelectField(_l("Investment timeline"), default="",
                           choices=_any(_l("Not known yet")) + [SelectChoice(t.value, label)
                                                               for t, label in TIMELINE_LABELS.items()])

    def __init__(self, sectors, lang: str, **kwargs):
        super().__init__(**kwargs)
        self.country.choices = [SelectChoice(code, name) for code, name in countries(lang)]
        self.sectors.choices = [SelectChoice(sector.code, sector.name(lang)) for sector in sectors]

    def values(self) -> dict:
        """The lead's columns as typed; text trimmed, empty choices as None."""
        return {
            "name": self.name.data.strip(), "company": (self.company.data or "").strip(),
            "job_title": (self.job_title.data or "").strip(), "email": self.email.data.strip(),
            "phone": (self.phone.data or "").strip(), "country": self.country.data,
            "preferred_language": self.preferred_language.data,
            "estimated_investment_usd": usd_from_millions(self.estimated_investment.data),
            "land_need_ha": self.land_need_ha.data, "timeline": self.timeline.data or None,
        }
