"""Forms for investors' issues: the public form for existing investors, and staff's forms to log an
issue, move it on, correct it, and filter the list."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from portal.auth.forms import StaffForm
from portal.form_messages import REQUIRED
from portal.leads import queries as lead_queries
from portal.leads.capture.forms import PublicForm, _checkboxes, _email, _message, _phone, _text
from portal.leads.companies.issues.queries import SORTS, IssueFilters
from portal.leads.models import AGENCY_LABELS, ISSUE_CATEGORY_LABELS, ISSUE_STATUS_LABELS, IssueStatus
from portal.query_form import QueryForm

SORT_LABELS = {"due": _l("Due date"), "raised": _l("Newest first"), "company": _l("Company"),
               "status": _l("Status")}
CHOOSE_ONE = _l("Please choose one.")
NOT_A_WORKING_DAY = _l("The centre does not work that day (a weekend or a public holiday). Please choose a working "
                       "day.")


def _choices(first_label, labels: dict) -> list[SelectChoice]:
    return [SelectChoice("", first_label)] + [SelectChoice(key.value, label) for key, label in labels.items()]


def _category(label=_l("What is it about?")):
    return SelectField(label, [DataRequired(message=CHOOSE_ONE)],
                       choices=_choices(_l("Choose one"), ISSUE_CATEGORY_LABELS), default="")


class InvestorSupportForm(PublicForm):
    """An investor already here tells the centre what blocks them, in their language."""

    name = _text(_l("Your name"), 120)
    company = _text(_l("Your company"), 200)
    email = _email(_l("E-mail"))
    phone = _phone(_l("Phone"))
    category = _category()
    subject = _text(_l("In a few words"), 200)
    message = _message(_l("What happened, and what do you need?"))


class IssueForm(StaffForm):
    """An issue staff log (on a company's page, at an event), or correct on the issue's page."""

    category = _category(_l("Category"))
    agency = SelectField(_l("Agency it needs"), [DataRequired(message=CHOOSE_ONE)],
                         choices=_choices(_l("Choose one"), AGENCY_LABELS), default="")
    subject = StringField(_l("Subject"), [DataRequired(message=REQUIRED), Length(max=200)])
    description = TextAreaField(_l("What the investor said"), [Optional(), Length(max=5000)])
    owner = SelectField(_l("Owner"), default="")
    due_on = DateField(_l("Due on (empty: by the working days set)"), [Optional()])
    #: A due day the issue already has, kept even if it has since become a holiday (the edit form).
    kept_due_on = None

    def __init__(self, users, **kwargs):
        super().__init__(**kwargs)
        self.owner.choices = [SelectChoice("", _l("Nobody"))] + [SelectChoice(str(u.id), u.name) for u in users]

    def validate_due_on(self, field):
        """A due day the centre can keep: a working day (the overdue warnings count them)."""
        if field.data and field.data != self.kept_due_on and not lead_queries.is_working_day(field.data):
            raise ValidationError(NOT_A_WORKING_DAY)

    def values(self) -> dict:
        return {"category": self.category.data, "agency": self.agency.data, "subject": self.subject.data.strip(),
                "description": (self.description.data or "").strip(),
                "owner_id": int(self.owner.data) if self.owner.data else None, "due_on": self.due_on.data}


class IssueEditForm(IssueForm):
    due_on = DateField(_l("Due on"), [InputRequired(message=_l("Please choose a date."))])
    company = SelectField(_l("Company"), default="")

    def __init__(self, users, companies, kept_due_on=None, **kwargs):
        super().__init__(users, **kwargs)
        self.kept_due_on = kept_due_on
        self.company.choices = [SelectChoice("", _l("Not linked yet"))] + [
            SelectChoice(str(c.id), c.name) for c in companies]

    def values(self) -> dict:
        return {**super().values(), "company_id": int(self.company.data) if self.company.data else None}


class EventIssueForm(IssueForm):
    """An issue a company raised at an event (the yearly FDI enterprise meeting)."""

    company = SelectField(_l("Company"), [DataRequired(message=CHOOSE_ONE)], default="")

    def __init__(self, users, companies, **kwargs):
        super().__init__(users, **kwargs)
        self.company.choices = [SelectChoice("", _l("Choose one"))] + [
            SelectChoice(str(c.id), c.name) for c in companies]


class InviteForm(StaffForm):
    companies = _checkboxes(_l("Invite companies"))

    def __init__(self, companies, invited, **kwargs):
        super().__init__(**kwargs)
        already = {link.company_id for link in invited}
        self.companies.choices = [SelectChoice(str(c.id), c.name) for c in companies if c.id not in already]


class IssueStatusForm(StaffForm):
    status = SelectField(_l("Status"), choices=[SelectChoice(s.value, ISSUE_STATUS_LABELS[s]) for s in IssueStatus])
    note = TextAreaField(_l("Note"), [Optional(), Length(max=5000)])


class IssueFilterForm(QueryForm):
    filter_fields = ("status", "category", "agency", "owner", "overdue")
    status = SelectField(_l("Status"), default="", choices=_choices(_l("Any status"), ISSUE_STATUS_LABELS))
    category = SelectField(_l("Category"), default="", choices=_choices(_l("Any category"), ISSUE_CATEGORY_LABELS))
    agency = SelectField(_l("Agency"), default="", choices=_choices(_l("Any agency"), AGENCY_LABELS))
    owner = SelectField(_l("Owner"), default="")
    overdue = BooleanField(_l("Overdue only"))
    company = SelectField(_l("Company"), default="",
                          choices=[SelectChoice("", _l("Any")), SelectChoice("none", _l("Not linked yet"))])
    sort = SelectField(_l("Sort by"), default="due", choices=[SelectChoice(k, SORT_LABELS[k]) for k in SORTS])

    def __init__(self, formdata, users):
        super().__init__(formdata)
        self.owner.choices = [SelectChoice("", _l("Anyone")), SelectChoice("me", _l("Mine")),
                              SelectChoice("none", _l("Nobody"))] + [SelectChoice(str(u.id), u.name) for u in users]

    def filters(self) -> IssueFilters:
        self.validate()
        return IssueFilters(status=self.value("status") or "", category=self.value("category") or "",
                            agency=self.value("agency") or "", owner=self.value("owner") or "",
                            overdue=bool(self.value("overdue")), company=self.value("company") or "",
                            sort=self.value("sort") or "due")
