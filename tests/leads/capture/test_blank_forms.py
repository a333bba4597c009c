"""A blank form is rendered once and kept: every visitor still gets their own CSRF token, form key,
start time and origin, and what the catalogue shows on the form is never out of date."""
import re
import time

import pytest
from sqlalchemy import func, select

from portal.leads.models import Lead
from tests import factories
from tests.forms import hidden_fields, inquiry, referral, visit

FORMS = [("inquire", inquiry), ("visit", visit), ("refer", referral)]
VISITOR_VALUES = re.compile(r'(name="(?:csrf_token|started|form_key|came_from)" type="hidden" value=)"[^"]*"')


def without_visitor_values(html: str) -> str:
    return VISITOR_VALUES.sub(r'\1""', html)


@pytest.mark.parametrize("lang", ["vi", "en", "ko", "ja"])
@pytest.mark.parametrize(("path", "fill_in"), FORMS)
def test_the_kept_form_is_the_rendered_one_with_each_visitors_own_values(app, catalogue, lang, path, fill_in):
    first, second = app.test_client(), app.test_client()
    rendered = first.get(f"/{lang}/{path}")
    time.sleep(0.002)  # "started" is the opening time to the millisecond: a kept form can be that fast
    kept = second.get(f"/{lang}/{path}")

    assert rendered.status_code == kept.status_code == 200
    assert without_visitor_values(kept.text) == without_visitor_values(rendered.text)
    mine, theirs = hidden_fields(rendered.text), hidden_fields(kept.text)
    for name in ("csrf_token", "started", "form_key"):
        assert mine[name] and theirs[name] and mine[name] != theirs[name], name
    assert "blank-form-slot" not in kept.text


@pytest.mark.parametrize(("path", "fill_in"), FORMS)
def test_every_visitor_of_a_kept_form_can_send_it(app, session, catalogue, path, fill_in):
    visitors = [app.test_client() for _ in range(3)]
    for number, visitor in enumerate(visitors):
        page = visitor.get(f"/en/{path}")
        email = f"visitor-{number}@example.com"
        data = fill_in(email=email) if path != "refer" else fill_in(prospect_email=email)
        response = visitor.post(f"/en/{path}", data={**hidden_fields(page.text), **data})
        assert response.status_code == 302, response.text

    assert session.scalar(select(func.count(Lead.id))) == 3


def test_a_visitor_cannot_send_the_form_with_another_visitors_token(app, session, catalogue):
    first, second = app.test_client(), app.test_client()
    first.get("/en/inquire")
    page = second.get("/en/inquire")

    response = first.post("/en/inquire", data={**hidden_fields(page.text), **inquiry()})

    assert response.status_code == 400
    assert "For your security this form expired" in response.text
    assert session.scalar(select(func.count(Lead.id))) == 0


def test_each_visitor_keeps_the_page_they_came_from(app, catalogue):
    app.test_client().get("/en/inquire")  # now kept
    from_catalogue = app.test_client().get("/en/inquire", headers={"Referer": 'http://localhost/en/projects/?q="x"&sector=a'})
    from_elsewhere = app.test_client().get("/en/inquire", headers={"Referer": "https://other.example/en/projects/"})

    assert hidden_fields(from_catalogue.text)["came_from"] == '/en/projects/?q="x"&sector=a'
    assert 'value="/en/projects/?q=&#34;x&#34;&amp;sector=a"' in from_catalogue.text
    assert hidden_fields(from_elsewhere.text)["came_from"] == ""


def test_a_new_sector_shows_on_the_kept_form_at_once(app, session, catalogue):
    client = app.test_client()
    assert "Rare earths" not in client.get("/en/inquire").text

    factories.sector("rare_earths", en="Rare earths")
    session.commit()

    assert "Rare earths" in client.get("/en/inquire").text


def test_the_sectors_ticked_are_kept_with_the_lead_and_a_new_sector_is_offered_at_once(app, session, catalogue):
    def send(email: str, sectors: list[str]):
        visitor = app.test_client()
        page = visitor.get("/en/inquire")
        response = visitor.post("/en/inquire", data={**hidden_fields(page.text), **inquiry(email=email, sectors=sectors)})
        assert response.status_code == 302, response.text

    send("first@example.com", ["semiconductors"])  # the worker now keeps the sectors
    send("second@example.com", ["semiconductors"])
    factories.sector("rare_earths", en="Rare earths")
    session.commit()
    send("third@example.com", ["rare_earths", "semiconductors"])

    session.expire_all()
    chosen = {lead.email: sorted(sector.code for sector in lead.sectors) for lead in session.scalars(select(Lead))}
    assert chosen == {"first@example.com": ["semiconductors"], "second@example.com": ["semiconductors"],
                      "third@example.com": ["rare_earths", "semiconductors"]}


def test_a_form_asked_about_a_project_is_rendered_for_it(app, catalogue):
    app.test_client().get("/en/inquire")  # the blank one is kept

    page = app.test_client().get("/en/inquire?project=chip-fab")

    assert "You are asking about" in page.text and "Chip packaging plant" in page.text
    assert hidden_fields(page.text)["project"] == "chip-fab"


def test_nothing_is_kept_without_the_page_cache(app, catalogue, monkeypatch):
    monkeypatch.setitem(app.extensions, "page_cache", None)
    monkeypatch.setitem(app.extensions, "blank_forms", {})

    first, second = app.test_client().get("/en/inquire"), app.test_client().get("/en/inquire")

    assert app.extensions["blank_forms"] == {}
    assert first.status_code == second.status_code == 200
    assert hidden_fields(first.text)["form_key"] != hidden_fields(second.text)["form_key"]
