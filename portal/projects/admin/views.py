"""The catalogue's back office, ``/staff/catalogue/``: staff create and edit projects and
parks in four languages, upload photos and brochures, preview, publish and archive.
The rules (who may do what, when an item may be published) live in ``editing``."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l, refresh
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import audit
from portal.auth.access import staff_required
from portal.auth.models import Role
from portal.clean_input import page_number
from portal.extensions import db
from portal.i18n import LANGUAGES
from portal.projects import operations, queries
from portal.projects.admin.forms import ParkForm, ProjectForm
from portal.projects.media import uploads
from portal.projects.models import IndustrialPark, InvestmentProject, MediaFile, MediaKind
from portal.projects.operations import NotAllowed
from portal.projects.parks.facts import FACTS, PROFILE_SECTIONS
from portal.projects.slugs import slug_taken
from portal.projects.translation_status import language_states, needing_translation

bp = Blueprint("catalogue_admin", __name__, url_prefix="/staff/catalogue")

#: URL segment → (kind, model, form, fact names)
KINDS = {
    "projects": ("project", InvestmentProject, ProjectForm, operations.PROJECT_FACTS),
    "parks": ("park", IndustrialPark, ParkForm, operations.PARK_FACTS),
}
KINDS_URL = "<any(projects, parks):kinds>"
STATES = ("draft", "published", "archived")
ACTIONS = {
    "publish": (Role.MANAGER, operations.publish, _l("The item is published.")),
    "unpublish": (Role.MANAGER, operations.unpublish, _l("The item is withdrawn from the public catalogue.")),
    "feature": (Role.MANAGER, lambda item, user: operations.set_featured(item, user, True), _l("The item is featured.")),
    "unfeature": (Role.MANAGER, lambda item, user: operations.set_featured(item, user, False),
                  _l("The item is no longer featured.")),
    "archive": (Role.MANAGER, operations.archive, _l("The item is archived.")),
    "restore": (Role.MANAGER, operations.restore, _l("The item is back among the drafts.")),
}


@bp.before_request
@staff_required()
def require_staff():
    """Every page here needs a logged-in staff member; some actions need more (see ``ACTIONS``)."""


def _load(kinds: str, item_id: int):
    _kind, model, _form, _facts = KINDS[kinds]
    return db.session.get(model, item_id) or abort(404)


def _choices(form) -> None:
    form.location_id.choices = [(location.id, location.name(g.lang)) for location in queries.locations()]
    if isinstance(form, ProjectForm):
        form.sector_id.choices = [(sector.id, sector.name(g.lang)) for sector in queries.sectors()]
        form.park_id.choices = [("", _("Not in an industrial park"))] + [
            (park.id, park.text(g.lang).text.name) for park in _all_parks()]
    else:
        form.target_sectors.choices = [(sector.id, sector.name(g.lang)) for sector in queries.sectors()]


def _all_parks() -> list[IndustrialPark]:
    stmt = select(IndustrialPark).where(IndustrialPark.archived.is_(False)).options(
        selectinload(IndustrialPark.texts)).order_by(IndustrialPark.slug)
    return list(db.session.scalars(stmt))


def _form_data(item, kind: str, facts: tuple[str, ...]) -> dict:
    """What the form shows for an existing item: its facts and each language's texts."""
    data = {name: getattr(item, name) for name in facts} | {"slug": item.slug}
    if kind == "park":
        data["target_sectors"] = [sector.id for sector in item.target_sectors]
    for lang in LANGUAGES:
        text = item.texts.get(lang)
        if text is not None:
            data[f"texts_{lang}"] = {name: getattr(text, name) for name in operations.text_fields(kind)}
    return data


@bp.get("/")
def index():
    return redirect(url_for("catalogue_admin.items", kinds="projects"))


@bp.get(f"/{KINDS_URL}")
def items(kinds: str):
    kind, model, _form, _facts = KINDS[kinds]
    state = request.args.get("state", "")
    stmt = select(model).options(selectinload(model.texts))
    if state == "draft":
        stmt = stmt.where(model.published.is_(False), model.archived.is_(False))
    elif state == "published":
        stmt = stmt.where(model.published.is_(True))
    elif state == "archived":
        stmt = stmt.where(model.archived.is_(True))
    else:
        state = ""
        stmt = stmt.where(model.archived.is_(False))
    page = db.paginate(stmt.order_by(model.updated_at.desc(), model.id.desc()),
                       page=page_number(), per_page=50, error_out=False)
    return render_template("projects/admin/items.html", kinds=kinds, kind=kind, page=page, state=state,
                           states=STATES, language_states=language_states)


@bp.route(f"/{KINDS_URL}/new", methods=["GET", "POST"])
@bp.route(f"/{KINDS_URL}/<int:item_id>", methods=["GET", "POST"])
def edit(kinds: str, item_id: int | None = None):
    kind, model, form_class, facts = KINDS[kinds]
    item = _load(kinds, item_id) if item_id else None
    if item is not None and not operations.can_edit(current_user, item):
        if request.method == "POST":
            abort(403)
        flash(_("Only a manager can change what the public already sees. You can read it here."), "info")
    form = form_class(data=_form_data(item, kind, facts) if item else None,
                      published=bool(item and item.published))
    _choices(form)
    if form.validate_on_submit() and _slug_free(form, kind, item):
        values = {name: form[name].data for name in facts}
        sectors = None
        if kind == "park":
            sectors = [sector for sector in queries.sectors() if sector.id in (form.target_sectors.data or [])]
        item = operations.save_item(kind, item, values, form.texts(), form.slug.data or None, form.confirmed(),
                                     current_user, target_sectors=sectors)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("catalogue_admin.edit", kinds=kinds, item_id=item.id))
    return render_template(
        "projects/admin/edit.html", form=form, item=item, kind=kind, kinds=kinds,
        text_fields=operations.text_fields(kind), required_fields=operations.required_text_fields(kind),
        publish_languages=operations.PUBLISH_LANGUAGES,
        states=language_states(item) if item else {},
        missing=operations.missing_for_publishing(item) if item else list(operations.PUBLISH_LANGUAGES),
        editable=item is None or operations.can_edit(current_user, item),
        history=audit.history(kind, item.id) if item else [],
        media_kinds=list(MediaKind),
    ), 400 if form.is_submitted() else 200


def _slug_free(form, kind: str, item) -> bool:
    if form.slug.data and slug_taken(kind, form.slug.data, item.id if item else None):
        form.slug.errors.append(_("Another item already has this address."))
        return False
    return True


@bp.post(f"/{KINDS_URL}/<int:item_id>/<any({', '.join(ACTIONS)}):action>")
def change_state(kinds: str, item_id: int, action: str):
    item = _load(kinds, item_id)
    role, perform, message = ACTIONS[action]
    if not current_user.can(role):
        abort(403)
    try:
        perform(item, current_user)
    except NotAllowed as refusal:
        flash(str(refusal), "error")
    else:
        db.session.commit()
        flash(str(message), "success")
    return redirect(url_for("catalogue_admin.edit", kinds=kinds, item_id=item_id))


@bp.post(f"/{KINDS_URL}/<int:item_id>/delete")
@staff_required(Role.ADMIN)
def delete(kinds: str, item_id: int):
    item = _load(kinds, item_id)
    try:
        media = operations.delete_item(item, current_user)
    except NotAllowed as refusal:
        flash(str(refusal), "error")
        return redirect(url_for("catalogue_admin.edit", kinds=kinds, item_id=item_id))
    db.session.commit()
    for file in media:
        uploads.delete_stored_file(file)
    flash(_("The item is deleted."), "success")
    return redirect(url_for("catalogue_admin.items", kinds=kinds))


@bp.post(f"/{KINDS_URL}/<int:item_id>/media")
@uploads.accepts_large_upload
def upload(kinds: str, item_id: int):
    item = _load(kinds, item_id)
    if not operations.can_edit(current_user, item):
        abort(403)
    kind = request.form.get("media_kind", "")
    file = request.files.get("file")
    if kind not in set(MediaKind) or file is None or not file.filename:
        flash(_("Choose a file to upload."), "error")
    else:
        try:
            media = uploads.store_upload(item, file, MediaKind(kind), current_user.id)
        except uploads.UploadRejected as refusal:
            flash(str(refusal), "error")
        else:
            db.session.flush()
            audit.record(item.kind, item.id, "upload", {f"{kind}": (None, media.original_name)},
                         user_id=current_user.id)
            db.session.commit()
            flash(_("The file is uploaded."), "success")
    return redirect(url_for("catalogue_admin.edit", kinds=kinds, item_id=item_id, _anchor="media"))


@bp.post(f"/{KINDS_URL}/<int:item_id>/media/<int:media_id>/delete")
def delete_media(kinds: str, item_id: int, media_id: int):
    item = _load(kinds, item_id)
    media = db.session.get(MediaFile, media_id)
    if media is None or media.item is not item:
        abort(404)
    if not operations.can_edit(current_user, item):
        abort(403)
    audit.record(item.kind, item.id, "remove_file", {media.kind: (media.original_name, None)},
                 user_id=current_user.id)
    db.session.delete(media)
    db.session.commit()
    uploads.delete_stored_file(media)
    flash(_("The file is removed."), "success")
    return redirect(url_for("catalogue_admin.edit", kinds=kinds, item_id=item_id, _anchor="media"))


@bp.get(f"/{KINDS_URL}/<int:item_id>/preview")
def preview(kinds: str, item_id: int):
    """The public page of a draft, in the language asked for, as the public would see it."""
    kind, _model, _form, _facts = KINDS[kinds]
    item = _load(kinds, item_id)
    g.lang = request.args.get("lang") if request.args.get("lang") in LANGUAGES else g.lang
    refresh()
    preview_of = url_for("catalogue_admin.edit", kinds=kinds, item_id=item.id)
    if kind == "project":
        return render_template("projects/catalogue/detail.html", project=item, related=queries.related_projects(item),
                               preview_of=preview_of)
    return render_template("projects/parks/detail.html", park=item, projects=queries.park_projects(item), facts=FACTS,
                           sections=PROFILE_SECTIONS, preview_of=preview_of)


@bp.get("/translations")
def translations():
    return render_template("projects/admin/translations.html", rows=needing_translation(), languages=LANGUAGES)
