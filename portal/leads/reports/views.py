"""The staff reports: ``/staff/reports`` (every section as a chart and a table) and
``/staff/reports/<section>.csv`` (one section's numbers, with the same filters).

Managers and administrators see every lead's figures and may filter by owner; an officer sees
the page too, with the figures of the leads they own.
"""
from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user

from portal import clock
from portal.auth.access import staff_required
from portal.auth.models import Role
from portal.i18n import current_language
from portal.leads import queries
from portal.leads.reports import queries as reports, tables as report_tables
from portal.leads.reports.forms import ReportFilterForm
from portal.projects import queries as catalogue

bp = Blueprint("reports", __name__, url_prefix="/staff")


@bp.before_request
@staff_required()
def require_staff():
    """Every report needs a logged-in staff member; what it covers depends on the role."""


def sees_everyone() -> bool:
    return current_user.can(Role.MANAGER)


def _form_and_report() -> tuple[ReportFilterForm, reports.Report]:
    users = queries.staff_members() if sees_everyone() else []
    sectors = catalogue.sectors()
    form = ReportFilterForm(request.args, sectors, users, current_language(), clock.today_in_vietnam())
    return form, reports.Report(_filters(form), clock.now(), sectors)


def _filters(form: ReportFilterForm) -> reports.ReportFilters:
    """The form's filters; an officer's are always their own leads, whatever the address says."""
    filters = form.filters()
    return filters if sees_everyone() else replace(filters, owner=str(current_user.id))


@bp.get("/reports")
def index():
    form, report = _form_and_report()
    return render_template(
        "leads/reports/index.html", form=form, filters=report.filters, sees_everyone=sees_everyone(),
        shown=report_tables.shown,
        totals=report.totals(), response=report.response_overall(), follow_ups=report.follow_ups(),
        reply_answers=report.reply_answers(),
        tables=[report_tables.build(section, report) for section in report_tables.SECTIONS],
        query=request.query_string.decode(),
    )


@bp.get("/reports/<section>.csv")
def download(section: str):
    chosen = report_tables.SECTIONS_BY_KEY.get(section) or abort(404)
    table = report_tables.build(chosen, _form_and_report()[1])
    stamp = clock.file_stamp()
    return Response(table.csv(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="report-{section}-{stamp}.csv"'})
