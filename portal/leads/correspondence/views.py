"""``/staff/leads/<reference>/write``: an officer who may work on the lead writes to the investor,
from a reply template in the investor's language or freely; ``/staff/templates``: administrators
edit the reply templates in four languages."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal import audit
from portal.auth.access import staff_required
from portal.auth.models import Role
from portal.extensions import db
from portal.i18n import LANGUAGES, current_language, format_moment
from portal.leads import queries
from portal.leads.correspondence.filling import PLACEHOLDERS, fill, template_for, values_for
from portal.leads.correspondence.forms import MessageForm, ReplyTemplateForm
from portal.leads.correspondence.operations import (brochures_for, cancel_follow_up, schedule_follow_up,
                                                    write_to_investor)
from portal.leads.models import REPLY_PURPOSE_LABELS, Lead, ReplyPurpose, ReplyTemplate, ScheduledMessage
from portal.leads.rules.access import can_work_on

bp = Blueprint("correspondence", __name__, url_prefix="/staff")


@bp.before_request
@staff_required()
def require_staff():
    """Every page here needs a logged-in staff member; templates need an administrator."""


def writable_lead(reference: str) -> Lead:
    """The lead, if the signed-in officer may work on it and it was not merged away."""
    lead = queries.lead_by_reference(reference) or abort(404)
    if not can_work_on(current_user, lead):
        abort(403)
    if lead.merged_into_id:
        abort(404)
    return lead


def _brochure_label(media, lang: str) -> str:
    item = media.item
    localized = item.text(lang)
    name = (localized.text.title if media.project_id else localized.text.name) if localized else item.slug
    return f"{name} · {media.original_name or media.stored_name}"


@bp.route("/leads/<reference>/write", methods=["GET", "POST"])
def write(reference: str):
    lead = writable_lead(reference)
    brochures = brochures_for(lead)
    form = MessageForm([(media.id, _brochure_label(media, current_language())) for media in brochures])
    purpose = request.args.get("template", "")
    template, missing = (None, False)
    if purpose in set(ReplyPurpose):
        template, missing = template_for(purpose, lead.preferred_language)
    if not form.is_submitted() and template is not None:
        values = values_for(lead, current_user, template.lang)
        form.subject.data, form.body.data = fill(template.subject, values), fill(template.body, values)
        form.template.data = purpose
    if form.validate_on_submit():
        chosen = [media for media in brochures if media.id in (form.brochures.data or [])]
        subject, body, send_at = form.subject.data.strip(), form.body.data.strip(), form.send_at_utc()
        if send_at is None:
            write_to_investor(lead, subject, body, chosen, current_user, template=form.template.data or "")
            flash(_("Your message to the investor is on its way."), "success")
        else:
            schedule_follow_up(lead, subject, body, chosen, send_at, current_user, template=form.template.data or "")
            flash(_("Your message will be sent on %(when)s, unless the investor writes first.",
                    when=format_moment(send_at)), "success")
        db.session.commit()
        return redirect(url_for("pipeline.lead", reference=reference, _anchor="timeline"))
    return render_template("leads/correspondence/write.html", lead=lead, form=form, purposes=REPLY_PURPOSE_LABELS,
                           purpose=purpose, template=template, missing=missing), 400 if form.is_submitted() else 200


@bp.post("/leads/<reference>/scheduled/<int:scheduled_id>/cancel")
def cancel_scheduled(reference: str, scheduled_id: int):
    lead = writable_lead(reference)
    scheduled = db.session.get(ScheduledMessage, scheduled_id)
    if scheduled is None or scheduled.lead_id != lead.id:
        abort(404)
    if cancel_follow_up(lead, scheduled, current_user):
        flash(_("The scheduled e-mail is cancelled."), "success")
    else:
        flash(_("The scheduled e-mail was already sent or cancelled."), "error")
    db.session.commit()
    return redirect(url_for("pipeline.lead", reference=reference, _anchor="scheduled"))


@bp.get("/templates")
@staff_required(Role.ADMIN)
def templates():
    rows = db.session.scalars(select(ReplyTemplate)).all()
    present = {(row.purpose, row.lang): row for row in rows}
    return render_template("leads/correspondence/templates.html", purposes=REPLY_PURPOSE_LABELS, present=present,
                           languages=LANGUAGES)


@bp.route("/templates/<purpose>/<language>", methods=["GET", "POST"])
@staff_required(Role.ADMIN)
def edit_template(purpose: str, language: str):
    lang = language
    if purpose not in set(ReplyPurpose) or lang not in LANGUAGES:
        abort(404)
    row = db.session.scalars(select(ReplyTemplate).where(ReplyTemplate.purpose == purpose,
                                                         ReplyTemplate.lang == lang)).first()
    form = ReplyTemplateForm(obj=row)
    if form.validate_on_submit():
        subject, body = (form.subject.data or "").strip(), (form.body.data or "").strip()
        before = (row.subject, row.body) if row else (None, None)
        if not subject and row is not None:
            db.session.delete(row)
            audit.record("reply_template", row.id, "delete", {"purpose": (purpose, None), "lang": (lang, None)})
        elif subject:
            if row is None:
                row = ReplyTemplate(purpose=purpose, lang=lang)
                db.session.add(row)
            row.subject, row.body = subject, body
            db.session.flush()
            audit.record("reply_template", row.id, "update" if before[0] is not None else "create",
                         {"subject": (before[0], subject), "body": (before[1], body),
                          "purpose": (purpose, purpose), "lang": (lang, lang)})
        db.session.commit()
        flash(_("The template is saved."), "success")
        return redirect(url_for("correspondence.templates"))
    return render_template("leads/correspondence/template_edit.html", form=form, purpose=purpose, lang=lang,
                           label=REPLY_PURPOSE_LABELS[ReplyPurpose(purpose)], placeholders=PLACEHOLDERS,
                           english=template_for(purpose, "en")[0] if lang != "en" else None,
                           ), 400 if form.is_submitted() else 200
