"""The exchange rate of the cost estimates, ``/staff/catalogue/exchange-rate``: managers record
VND per USD with the day it applies from and its source; earlier rates stay listed as history.
Public park pages convert with the latest rate that applies, and show it beside the figures."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.auth.access import staff_required
from portal.auth.models import Role
from portal.extensions import db
from portal.projects import operations, queries
from portal.projects.admin.forms import ExchangeRateForm

bp = Blueprint("exchange_rates", __name__, url_prefix="/staff/catalogue/exchange-rate")


@bp.before_request
@staff_required(Role.MANAGER)
def require_manager():
    """Investors read the converted amounts on public pages: as with the key figures, managers keep them."""


@bp.route("", methods=["GET", "POST"])
def index():
    form = ExchangeRateForm()
    if form.validate_on_submit():
        operations.record_exchange_rate(form.vnd_per_usd.data, form.applies_from.data, form.source.data, current_user)
        db.session.commit()
        flash(_("The exchange rate is recorded."), "success")
        return redirect(url_for("exchange_rates.index"))
    return render_template("projects/admin/exchange_rates.html", form=form, history=queries.exchange_rate_history()), \
        400 if form.is_submitted() else 200
