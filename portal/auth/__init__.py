"""Staff accounts: login, roles, the back office's language."""
from flask import Flask, g, request
from flask_login import current_user
from sqlalchemy import select

from portal.extensions import db, login_manager
from portal.i18n import negotiate_language


def init_app(app: Flask) -> None:
    from portal.auth.models import User

    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_token: str) -> User | None:
        return db.session.scalars(select(User).where(User.session_token == session_token,
                                                     User.active.is_(True))).first()

    @app.before_request
    def back_office_language() -> None:
        """The back office speaks each staff member's own language."""
        if request.path.startswith("/staff"):
            g.lang = current_user.language if current_user.is_authenticated else negotiate_language()
