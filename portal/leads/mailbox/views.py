"""``/staff/mailbox/unmatched``: e-mails nobody could match to a lead; staff attach each to a lead by its
reference, or discard it."""
from __future__ import annotations

import email
import email.policy

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.auth.access import staff_required
from portal.extensions import db
from portal.leads.mailbox import operations
from portal.leads.mailbox.forms import AttachForm, DiscardForm
from portal.leads.mailbox.matching import read_reply
from portal.leads.models import MailboxMessage, MailboxStatus
from portal.leads.rules.access import can_work_on

bp = Blueprint("mailbox", __name__, url_prefix="/staff/mailbox")
PAGE_SIZE = 100


@bp.before_request
@staff_required()
def require_staff():
    """Every page here needs a logged-in staff member (an officer may view, attach and discard)."""


def _unmatched_or_404(message_id: int) -> MailboxMessage:
    row = db.session.get(MailboxMessage, message_id)
    if row is None or row.status != MailboxStatus.UNMATCHED:
        abort(404)
    return row


def _page(attach_forms: dict | None = None, status: int = 200):
    rows = list(db.session.scalars(select(MailboxMessage).where(MailboxMessage.status == MailboxStatus.UNMATCHED)
                                   .order_by(MailboxMessage.received_at.desc(), MailboxMessage.id.desc())
                                   .limit(PAGE_SIZE)))
    attach_forms = attach_forms or {}
    forms = {row.id: attach_forms.get(row.id) or AttachForm(formdata=None, prefix=f"m{row.id}") for row in rows}
    return render_template("leads/mailbox/unmatched.html", rows=rows, forms=forms,
                           discard_form=DiscardForm()), status


@bp.get("/unmatched")
def unmatched():
    return _page()


@bp.post("/unmatched/<int:message_id>/attach")
def attach(message_id: int):
    row = _unmatched_or_404(message_id)
    form = AttachForm(prefix=f"m{row.id}")
    if form.validate_on_submit():
        lead = operations.lead_by_reference(form.reference.data)
        if lead is None:
            form.reference.errors.append(_("No lead has this reference."))
        elif not can_work_on(current_user, lead):
            form.reference.errors.append(_("You may not work on this lead."))
        else:
            reply = read_reply(email.message_from_bytes(row.raw or b"", policy=email.policy.default),
                               row.message_id)
            operations.attach(row, lead, reply, current_user)
            db.session.commit()
            flash(_("The e-mail is now on lead %(reference)s.", reference=lead.reference), "success")
            return redirect(url_for("mailbox.unmatched"))
    return _page({row.id: form}, 400)


@bp.post("/unmatched/<int:message_id>/discard")
def discard(message_id: int):
    row = _unmatched_or_404(message_id)
    if not DiscardForm().validate_on_submit():
        abort(400)
    operations.discard(row, current_user)
    db.session.commit()
    flash(_("The e-mail was discarded."), "success")
    return redirect(url_for("mailbox.unmatched"))
