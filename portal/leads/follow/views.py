"""``/<lang>/my-inquiry``: the investor's private page, opened by the link in their e-mail.

Per visitor, so never cached (``no-store``) and never leaking its address (``no-referrer``). A wrong
or expired link gets a page that offers to send the link again; that form answers the same whether
or not the reference and e-mail match, so nobody learns which inquiries exist."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from werkzeug.datastructures import FileStorage

from portal.antispam import form_rate_limit
from portal.extensions import csrf, db, limiter
from portal.i18n import current_language
from portal.leads.follow import operations, queries
from portal.leads.follow.forms import MAX_DOCUMENTS, AddToInquiryForm, SendLinkAgainForm
from portal.projects.media.uploads import REQUEST_MARGIN_BYTES, UploadRejected, checked_document

bp = Blueprint("follow", __name__)


@bp.after_request
def keep_private(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _accepts_documents(view):
    """Lift the request size limit to what the files allowed need, then check the CSRF token
    (Flask-WTF's automatic check would read the body under the small global limit first)."""
    @wraps(view)
    def lifted(*args, **kwargs):
        if request.method == "POST":
            request.max_content_length = (MAX_DOCUMENTS * current_app.config["LEAD_DOCUMENT_MAX_BYTES"]
                                          + REQUEST_MARGIN_BYTES)
            if current_app.config["WTF_CSRF_ENABLED"]:
                csrf.protect()
        return view(*args, **kwargs)

    return csrf.exempt(lifted)


def _link_refused(expired: bool):
    status = 410 if expired else 404
    return render_template("leads/follow/refused.html", expired=expired, form=SendLinkAgainForm()), status


def _checked(file: FileStorage) -> operations.Document:
    data, content_type, extension = checked_document(file, current_app.config["LEAD_DOCUMENT_MAX_BYTES"])
    return operations.Document(data, content_type, extension, file.filename or "")


@bp.route("/<lang:lang>/my-inquiry/<token>", methods=["GET", "POST"])
@limiter.limit(form_rate_limit, methods=["POST"])
@_accepts_documents
def my_inquiry(token: str):
    link, expired = queries.link_for_token(token[:100])
    if link is None or expired:
        return _link_refused(expired)
    lead = queries.lead_of(link)
    form = AddToInquiryForm()
    status = 200
    if form.is_submitted():
        status = 400
        if form.validate():
            documents, refused = [], []
            for file in form.chosen_files():
                try:
                    documents.append(_checked(file))
                except UploadRejected as problem:
                    refused.append(f"{file.filename}: {problem.message}")
            if refused:
                form.documents.errors = refused
            else:
                operations.add_from_investor(lead, form.message.data or "", documents)
                db.session.commit()
                return redirect(url_for("follow.my_inquiry", lang=current_language(), token=token, added=1))
    return render_template("leads/follow/my_inquiry.html", inquiry=queries.inquiry_view(lead), form=form,
                           added=request.args.get("added") == "1" and not form.is_submitted()), status


@bp.get("/<lang:lang>/my-inquiry")
def ask_for_link():
    return render_template("leads/follow/ask_for_link.html", form=SendLinkAgainForm(), sent=False)


@bp.post("/<lang:lang>/my-inquiry")
@limiter.limit(form_rate_limit)
def send_link_again():
    form = SendLinkAgainForm()
    if not form.validate():
        return render_template("leads/follow/ask_for_link.html", form=form, sent=False), 400
    if operations.send_link_again(form.reference.data, form.email.data):
        db.session.commit()
    return render_template("leads/follow/ask_for_link.html", form=SendLinkAgainForm(formdata=None), sent=True)
