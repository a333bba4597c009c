"""Forms for investor companies: the record, its contacts, its registered projects, a visit, and the list's filters."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, DecimalField, EmailField, FieldList, Form, FormField, IntegerField, SearchField, \
    SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from portal.auth.forms import StaffForm
from portal.auth.models import User
from portal.form_messages import BAD_EMAIL, REQUIRED, PortalMeta, in_range
from portal.i18n import LANGUAGE_NAMES, LANGUAGES
from portal.leads import queries as lead_queries
from portal.leads.companies.queries import SORTS, CompanyFilters
from portal.leads.countries import countries
from portal.leads.models import VISIT_KIND_LABELS
from portal.leads.pipeline.forms import LARGEST_JOBS
from portal.leads.rules.aftercare import WARNING_LABELS, EarlyWarning
from portal.money import LARGEST_MILLIONS, millions_from_usd, usd_from_millions
from portal.query_form import QueryForm

SORT_LABELS = {"name": _l("Name"), "visit_due": _l("Next visit due"), "ending": _l("Incentive or lease ending"),
               "capital": _l("Registered capital"), "last_contact": _l("Longest without contact")}
PICK_A_DATE = _l("Please choose a date.")


def _choices(first_label, pairs) -> list[SelectChoice]:
    return [SelectChoice("", first_label)] + [SelectChoice(str(value), label) for value, label in pairs]


def _text(field) -> str:
    return (field.data or "").strip()


class CompanyFilterForm(QueryForm):
    q = SearchField(_l("Search"), [Optional(), Length(max=200)])
    country = SelectField(_l("Country or territory"), default="")
    sector = SelectField(_l("Sector"), default="")
    owner = SelectField(_l("Account officer"), default="")
    warning = SelectField(_l("Early warning"), default="")
    sort = SelectField(_l("Sort by"), default="name", choices=[SelectChoice(k, SORT_LABELS[k]) for k in SORTS])

    def __init__(self, formdata, users, sectors, lang: str):
        super().__init__(formdata)
        self.country.choices = _choices(_l("Any country"), countries(lang))
        self.sector.choices = _choices(_l("Any sector"), [(s.id, s.name(lang)) for s in sectors])
        self.owner.choices = _choices(_l("Anyone"), [("me", _l("Mine")), ("none", _l("Nobody"))]
                                      + [(u.id, u.name) for u in users])
        self.warning.choices = _choices(_l("With or without warnings"), [("any", _l("Any warning"))] + [
            (w.value, WARNING_LABELS[w]) for w in EarlyWarning])

    def filters(self) -> CompanyFilters:
        """The valid filters; an invalid one is shown beside its field and left out."""
        self.validate()
        return CompanyFilters(text=(self.value("q") or "").strip(), country=self.value("country") or "",
                              sector=self.value("sector") or "", owner=self.value("owner") or "",
                              warning=self.value("warning") or "", sort=self.value("sort") or "name")


class CompanyForm(StaffForm):
    name = StringField(_l("Name in its own script"), [DataRequired(message=REQUIRED), Length(max=200)])
    name_latin = StringField(_l("Name in Latin letters"), [Optional(), Length(max=200)])
    country = SelectField(_l("Country or territory"), [DataRequired(message=REQUIRED)])
    sector = SelectField(_l("Sector"), default="")
    parent_group = StringField(_l("Parent group"), [Optional(), Length(max=200)])
    owner = SelectField(_l("Account officer"), default="")
    visit_every_months = IntegerField(_l("Months between visits (empty: by registered capital)"),
                                      [Optional(), in_range(1, 60)])
    notes = TextAreaField(_l("Notes"), [Optional(), Length(max=5000)])

    def __init__(self, users, sectors, lang: str, **kwargs):
        """``users``: whom the account may be given to (an officer: themselves)."""
        super().__init__(**kwargs)
        self.country.choices = _choices(_l("Choose a country"), countries(lang))
        self.sector.choices = _choices(_l("No sector"), [(s.id, s.name(lang)) for s in sectors])
        self.owner.choices = _choices(_l("Nobody"), [(u.id, u.name) for u in users])

    def values(self) -> dict:
        return {"name": _text(self.name), "name_latin": _text(self.name_latin), "country": self.country.data,
                "sector_id": int(self.sector.data) if self.sector.data else None,
                "parent_group": _text(self.parent_group),
                "owner_id": int(self.owner.data) if self.owner.data else None,
                "visit_every_months": self.visit_every_months.data, "notes": _text(self.notes)}


class CompanyContactForm(StaffForm):
    name = StringField(_l("Name"), [DataRequired(message=REQUIRED), Length(max=120)])
    role = StringField(_l("Role"), [Optional(), Length(max=120)])
    language = SelectField(_l("Language"), choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES])
    email = EmailField(_l("E-mail"), [Optional(), Length(max=254), Email(message=BAD_EMAIL, check_deliverability=False)])
    phone = StringField(_l("Phone"), [Optional(), Length(max=40)])

    def values(self) -> dict:
        return {"name": _text(self.name), "role": _text(self.role), "language": self.language.data,
                "email": _text(self.email).lower(), "phone": _text(self.phone)}


class RegisteredProjectForm(StaffForm):
    name = StringField(_l("Project"), [Optional(), Length(max=200)])
    park = SelectField(_l("Industrial park"), default="")
    registered_capital = DecimalField(_l("Registered capital (USD million)"),
                                      [Optional(), in_range(0, LARGEST_MILLIONS)])
    jobs = IntegerField(_l("Jobs"), [Optional(), in_range(0, LARGEST_JOBS)])
    certificate_number = StringField(_l("Number of the investment registration certificate"),
                                     [Optional(), Length(max=60)])
    certificate_date = DateField(_l("Date of the investment registration certificate"), [Optional()])
    incentive_ends_on = DateField(_l("Investment incentives end on"), [Optional()])
    land_lease_ends_on = DateField(_l("Land lease ends on"), [Optional()])

    def __init__(self, parks, lang: str, obj=None, **kwargs):
        super().__init__(obj=obj, **kwargs)
        self.park.choices = _choices(_l("Outside the industrial parks"), [(p.id, p.text(lang).text.name) for p in parks])
        if obj is not None and not self.is_submitted():
            self.park.data = str(obj.park_id or "")
            self.registered_capital.data = millions_from_usd(obj.registered_capital_usd)

    def values(self) -> dict:
        return {"name": _text(self.name), "park_id": int(self.park.data) if self.park.data else None,
                "registered_capital_usd": usd_from_millions(self.registered_capital.data), "jobs": self.jobs.data,
                "certificate_number": _text(self.certificate_number), "certificate_date": self.certificate_date.data,
                "incentive_ends_on": self.incentive_ends_on.data, "land_lease_ends_on": self.land_lease_ends_on.data}


#: Rows for follow-up tasks under a visit; the empty ones are left out.
FOLLOW_UP_ROWS = 3


class FollowUpTaskForm(Form):
    """One follow-up on a company: what, by when, who does it. A visit's row left empty is no task;
    the company's own "Add a task" row is ``required``."""

    class Meta(PortalMeta):
        pass

    title = StringField(_l("Follow-up task"), [Optional(), Length(max=200)])
    due_date = DateField(_l("Due on"), [Optional()])
    #: Checked by ``FollowUpsForm.validate`` against whoever may work on the company, in the filled rows only.
    assignee = SelectField(_l("For"), validate_choice=False)
    required = False

    def filled(self) -> bool:
        return bool(_text(self.title) or self.due_date.data or self.due_date.raw_data and self.due_date.raw_data[0])

    def validate_due_date(self, field):
        if field.data is not None and not lead_queries.is_working_day(field.data):
            raise ValidationError(_l("Choose a working day: not a Saturday, a Sunday or a public holiday."))

    def validate(self, extra_validators=None) -> bool:
        """A filled row needs its title and its day (empty fields stop at ``Optional``, as in the empty rows)."""
        valid = super().validate(extra_validators)
        needed = self.required or self.filled()
        if needed and not _text(self.title):
            self.title.errors = [*self.title.errors, _l("Say what the follow-up is.")]
            valid = False
        if needed and self.due_date.data is None and not self.due_date.errors:
            self.due_date.errors = [PICK_A_DATE]
            valid = False
        return valid


class FollowUpsForm(StaffForm):
    """A form carrying follow-up rows (``rows``) for a company: each given to whoever may work on it."""

    def __init__(self, assignees, default_assignee, **kwargs):
        """``assignees``: who may be given a follow-up (whoever may work on the company);
        ``default_assignee`` is chosen in the empty rows (the account officer)."""
        super().__init__(**kwargs)
        self.assignees = {str(user.id): user for user in assignees}
        choices = [SelectChoice(key, user.name) for key, user in self.assignees.items()]
        for row in self.rows():
            row.assignee.choices = choices
            if not row.filled() and not row.assignee.raw_data:  # not sent: not this form's request
                row.assignee.data = str(default_assignee.id)

    def rows(self) -> list[FollowUpTaskForm]:
        """The form's follow-up rows: each form says where it keeps them."""
        raise NotImplementedError

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for row in self.rows():
            if row.filled() and row.assignee.data not in self.assignees:
                row.assignee.errors = [*row.assignee.errors, _l("Choose who does it.")]
                valid = False
        return valid

    def follow_ups(self) -> list[tuple[str, date, User]]:
        """The filled rows: (title, due day, assignee)."""
        return [(_text(row.title), row.due_date.data, self.assignees[row.assignee.data])
                for row in self.rows() if row.filled()]


class VisitForm(FollowUpsForm):
    visited_on = DateField(_l("Date"), [DataRequired(message=PICK_A_DATE)])
    kind = SelectField(_l("Kind of contact"), choices=[SelectChoice(k.value, v) for k, v in VISIT_KIND_LABELS.items()])
    attendees = StringField(_l("Who went"), [Optional(), Length(max=500)])
    summary = TextAreaField(_l("What was said"), [DataRequired(message=REQUIRED), Length(max=10000)])
    tasks = FieldList(FormField(FollowUpTaskForm), min_entries=FOLLOW_UP_ROWS, max_entries=10)

    def __init__(self, today, assignees, default_assignee, **kwargs):
        super().__init__(assignees, default_assignee, **kwargs)
        self.today = today

    def rows(self) -> list[FollowUpTaskForm]:
        return [entry.form for entry in self.tasks]

    def validate_visited_on(self, field):
        if field.data and field.data > self.today:
            raise ValidationError(_l("A contact is logged once it has happened: the date cannot be in the future."))

    def values(self) -> dict:
        return {"visited_on": self.visited_on.data, "kind": self.kind.data, "attendees": _text(self.attendees),
                "summary": _text(self.summary)}


class CompanyTaskForm(FollowUpsForm):
    """"Add a task" on the company's page: one follow-up without a visit, under the same rules."""

    new_task = FormField(FollowUpTaskForm)

    def __init__(self, assignees, default_assignee, **kwargs):
        super().__init__(assignees, default_assignee, **kwargs)
        self.new_task.form.required = True

    def rows(self) -> list[FollowUpTaskForm]:
        return [self.new_task.form]


class CompanyUploadForm(StaffForm):
    file = FileField(_l("CSV or Excel file"), [FileRequired(message=_l("Choose a file."))])
    language = SelectField(_l("Language, where the file does not say"),
                           choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES], default="en")
