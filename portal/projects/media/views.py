"""Serving the catalogue's photos and brochures: ``/media/<stored name>``.

Files are sent with the content type recorded when they were checked, never guessed, and with
headers that stop a browser from treating them as anything else."""
from flask import Blueprint, abort, send_from_directory
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.projects.media.uploads import upload_dir
from portal.projects.models import MediaFile, MediaKind

bp = Blueprint("media", __name__, url_prefix="/media")

#: A stored name never changes meaning (a new file gets a new name), so browsers may keep it.
PUBLISHED_MAX_AGE = 365 * 24 * 3600


@bp.get("/<name>")
def file(name: str):
    media = db.session.scalars(
        select(MediaFile).where(MediaFile.stored_name == name)
        .options(joinedload(MediaFile.project), joinedload(MediaFile.park))
    ).first()
    if media is None:
        abort(404)
    public = media.item.published
    if not public and not current_user.is_authenticated:
        abort(404)  # a draft's files exist only for staff previewing it
    brochure = media.kind == MediaKind.BROCHURE
    response = send_from_directory(
        upload_dir(), media.stored_name, mimetype=media.content_type, as_attachment=brochure,
        download_name=_download_name(media) if brochure else media.stored_name,
        max_age=PUBLISHED_MAX_AGE if public else None,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    if public:
        response.cache_control.immutable = True
    else:
        response.cache_control.private = True
        response.cache_control.no_store = True
    return response


def _download_name(media: MediaFile) -> str:
    """What the uploader called the brochure when that survived ``secure_filename``, else the item's slug."""
    stem, _, extension = media.original_name.rpartition(".")
    if stem and extension.lower() == "pdf":
        return media.original_name
    return f"{media.item.slug}.pdf"
