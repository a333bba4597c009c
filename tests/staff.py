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
