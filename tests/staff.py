"""Logging in as a staff member in tests."""
from tests.forms import hidden_fields

PASSWORD = "correct horse battery"


def log_in(client, user, password: str = PASSWORD):
    page = client.get("/staff/login")
    return client.post("/staff/login", data={**hidden_fields(page.text), "email": user.email, "password": password})


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
