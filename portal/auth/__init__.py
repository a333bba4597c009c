"""Staff accounts: login, roles, the back office's language."""
import logging

from flask import Flask, g, request
from flask_login import current_user

from portal.extensions import db, login_manager
from portal.i18n import negotiate_language


def init_app(app: Flask) -> None:
    from portal.auth import security_log, sessions
    from portal.auth.models import User

    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_token: str) -> User | None:
        """The staff member of a live server-side session; ending or touching it is kept at once."""
        user, changed = sessions.user_for(session_token)
        if changed:
            db.session.commit()
        return user

    logging.getLogger("portal.security").setLevel(logging.INFO)

    @app.after_request
    def log_refused_access(response):
        """Every refusal of a back-office page or action is a line in the security log."""
        if response.status_code == 403 and request.path.startswith("/staff"):
            security_log.record("access_refused", current_user if current_user.is_authenticated else None,
                                endpoint=request.endpoint)
        return response

    @app.before_request
    def back_office_language() -> None:
        """The back office speaks each staff member's own language."""
        if request.path.startswith("/staff"):
            g.lang = current_user.language if current_user.is_authenticated else negotiate_language()
