"""The investment project catalogue: ``/<lang>/projects/``."""
from flask import Blueprint, current_app, render_template, request

from portal.clean_input import page_number
from portal.i18n import current_language
from portal.projects import queries
from portal.projects.catalogue.forms import ProjectFilterForm
from portal.projects.slugs import moved as _moved

bp = Blueprint("projects", __name__, url_prefix="/<lang:lang>/projects")


@bp.get("/")
def index():
    form = ProjectFilterForm(request.args, queries.sectors(), queries.locations(), current_language())
    filters = form.filters()
    page = queries.search_projects(filters, page_number(), current_app.config["PORTAL_PAGE_SIZE"])
    return render_template("projects/catalogue/index.html", form=form, filters=filters, page=page)


@bp.get("/<slug>")
def detail(slug: str):
    project = queries.project_by_slug(slug)
    if project is None:
        return _moved("project", slug, "projects.detail")
    return render_template("projects/catalogue/detail.html", project=project, related=queries.related_projects(project))
