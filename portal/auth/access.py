"""Who may open a staff page: logged in, active, and of a high enough role."""
from __future__ import annotations

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

from portal.auth.models import Role


def staff_required(role: Role = Role.OFFICER):
    """Anonymous visitors go to the login page; a staff member without the role gets a 403."""

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if not current_user.can(role):
                abort(403)
            return view(*args, **kwargs)

        return checked

    return decorate
