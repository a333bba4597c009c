"""Signing in as a staff member in tests: the password, then the authenticator's code."""
import pyotp
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from tests.forms import hidden_fields

PASSWORD = "correct horse battery"
#: The authenticator every enrolled test user has (``factories.user``).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(user, secret: str = TOTP_SECRET) -> str:
    """The next code the portal accepts for ``user``: codes work once, so a second sign-in within
    the same 30 seconds uses the following step (the portal allows one step of clock drift)."""
    from portal.auth.models import User

    last_step = db.session.scalar(select(User.totp_last_step).where(User.id == user.id)) or 0
    totp = pyotp.TOTP(secret)
    step = max(totp.timecode(clock.now()), last_step + 1)
    return totp.generate_otp(step)


def log_in(client, user, password: str = PASSWORD, follow_code: bool = True):
    """Both steps of the sign-in; returns the last response (the refusal, or the redirect in)."""
    page = client.get("/staff/login")
    response = client.post("/staff/login", data={**hidden_fields(page.text), "email": user.email,
                                                 "password": password})
    if not follow_code or response.status_code != 302 or response.headers["Location"] != "/staff/login/code":
        return response
    page = client.get("/staff/login/code")
    return client.post("/staff/login/code", data={**hidden_fields(page.text), "code": totp_code(user)})


def csrf_token(client, url: str = "/staff/") -> str:
    return hidden_fields(client.get(url).text).get("csrf_token", "")


def post(client, url: str, **data):
    """A back-office POST with the CSRF token a page would carry."""
    return client.post(url, data={"csrf_token": csrf_token(client), **data})


def client_at(app, base_url: str):
    """A test client whose every request goes to ``base_url`` (``https://...``, or a forged host)."""
    from flask.testing import FlaskClient

    class Client(FlaskClient):
        def open(self, *args, **kwargs):
            if args and isinstance(args[0], str):
                kwargs.setdefault("base_url", base_url)
            return super().open(*args, **kwargs)

    return Client(app, app.response_class, use_cookies=True)
