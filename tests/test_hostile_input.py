"""Hostile input never makes a server error: generated values (text with NUL and other control
characters, huge strings, non-finite and huge numbers, odd page numbers, unknown languages) go to
every public form, every public page with a query string, every API route, and the main staff
forms as a manager. Bounded (``EXAMPLES`` per route) and deterministic (``derandomize``)."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from io import BytesIO
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl import load_workbook
from sqlalchemy import select

from portal.extensions import limiter
from portal.leads.models import Lead, Stage, Tag
from tests import factories
from tests.conftest import make_app
from tests.forms import hidden_fields, inquiry, referral, submit, visit
from tests.staff import csrf_token, post

EXAMPLES = 25
FUZZ = settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

CONTROL_CHARACTERS = "".join(map(chr, range(0x20))) + "\x7f\x85\x9f"
#: Text typed by nobody: control characters, NUL, odd Unicode, and strings far past any limit.
hostile_text = st.one_of(
    st.sampled_from(["\x00", "a\x00b", "Bad\x0bCo", "=HYPERLINK(\"x\")", "\ufeff", "\u202e", "%00", "x",
                     "Điện tử", "ĐIỆN TỬ", " ", "'; DROP TABLE leads; --", "<script>", "../..", "\\"]),
    st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(CONTROL_CHARACTERS), max_size=30),
    st.integers(min_value=200, max_value=20_000).map(lambda size: "x" * size),
)
#: Numbers no form or column expects, and text that only looks like one.
hostile_number = st.one_of(
    st.sampled_from(["NaN", "-NaN", "sNaN", "-sNaN", "NaN123", "Infinity", "-Infinity", "inf", "1e999999",
                     "-1e999999", "1e-999999", "9" * 400, "9" * 5000, str(2**31), str(2**63), str(2**63 - 1),
                     str(2**64), str(-(2**63) - 1), "-0", "0x10", "1_000", "١٢", "1e3", "１２", " 7 ", ""]),
    st.decimals().map(str),
    st.floats().map(str),
    st.integers().map(str),
)
#: Dates as typed: far past, far future, and not dates at all.
hostile_date = st.one_of(st.sampled_from(["0001-01-01", "9999-12-31", "1900-01-01", "2999-12-31", "2026-02-30",
                                          "0000-00-00", "99999-01-01"]),
                         st.dates().map(date.isoformat), hostile_text)
#: Language prefixes: the portal's, and some it does not have.
any_language = st.one_of(st.sampled_from(["vi", "en", "ko", "ja"]),
                         st.sampled_from(["x", "fr", "EN", "en-US", "zh_TW", "", "%00", "..", "ja\x00"]),
                         st.text(max_size=6))
KINDS = {"number": hostile_number, "date": hostile_date, "text": hostile_text}


def fields(text=(), number=(), date=()) -> dict[str, st.SearchStrategy]:
    """Form fields or query parameters by kind, each with the hostile values of its kind."""
    names = {"text": text, "number": number, "date": date}
    return {name: KINDS[kind] for kind, group in names.items() for name in group}


def some_of(fields: dict[str, st.SearchStrategy], at_least: int = 0) -> st.SearchStrategy[dict]:
    """Some of these fields, each with a hostile value (a query parameter sometimes twice)."""
    return st.fixed_dictionaries({}, optional={
        name: st.one_of(values, st.lists(values, min_size=2, max_size=3)) for name, values in fields.items()
    }).filter(lambda drawn: len(drawn) >= at_least)


def _prefix(lang: str) -> str:
    return "/" + quote(lang, safe="")


def assert_no_server_error(response, what: str) -> None:
    assert response.status_code < 500, f"{response.status_code} on {what}"


@pytest.fixture
def fuzzing(app):
    """Call at the start of each example: the rate limits start again, so every example reaches
    the view rather than a 429."""

    def fresh_example():
        limiter.reset()

    return fresh_example


@pytest.fixture
def staff_token(staff_client) -> str:
    """The manager's CSRF token, valid for the whole session."""
    return csrf_token(staff_client)


# --- public pages and forms --------------------------------------------------------------------

PROJECT_FILTERS = fields(text=["q", "sector", "location", "investment_form", "status", "sort", "lang"],
                         number=["min_investment", "max_investment", "min_area", "max_area", "page"])
PARK_FILTERS = fields(text=["location", "sector", "ready_built", "sort", "lang"],
                      number=["min_available", "max_land_rent", "page"])
SITE_NEEDS = fields(text=["sector", "start", "lang"],
                    number=["land_ha", "floor_m2", "power_mva", "water_m3_day", "max_seaport_km", "max_airport_km",
                            "max_centre_km", "budget_musd"])
PUBLIC_PAGES = {
    "/projects/": PROJECT_FILTERS,
    "/parks/": PARK_FILTERS,
    "/parks/compare": fields(text=["park", "lang"]),
    "/map": fields(text=["sector", "location", "lang"], number=["min_land"]),
    "/inquire": fields(text=["project", "park", "lang", "sector", "start"],
                       number=["land_ha", "floor_m2", "power_mva", "budget_musd"]),
    "/visit": fields(text=["park", "project", "lang"]),
    "/": fields(text=["lang"], number=["page"]),
    "/projects/chip-fab": fields(text=["lang"]),
    "/find-a-site": SITE_NEEDS,
}


@pytest.mark.parametrize("page", list(PUBLIC_PAGES))
@FUZZ
@given(data=st.data())
def test_public_pages_answer_any_query_without_a_server_error(client, catalogue, fuzzing, page, data):
    fuzzing()
    lang = data.draw(any_language, label="lang")
    query = data.draw(some_of(PUBLIC_PAGES[page]), label="query")
    path = _prefix(lang) + page
    assert_no_server_error(client.get(path, query_string=query), f"GET {path} {query!r}")


INVESTOR = ["name", "company", "job_title", "country", "email", "phone", "message", "came_from", "website",
            "started", "consent", "news"]
PUBLIC_FORMS = {
    "/inquire": (inquiry, fields(text=INVESTOR + ["sectors", "timeline", "project", "park", "site_needs"],
                                 number=["estimated_investment", "land_need"])),
    "/visit": (visit, fields(text=INVESTOR + ["parks", "projects", "guide_language"], number=["visitors"],
                             date=["visit_from", "visit_to"])),
    "/refer": (referral, fields(text=["introducer_name", "introducer_organisation", "introducer_email",
                                      "introducer_relationship", "prospect_name", "prospect_company",
                                      "prospect_job_title", "prospect_country", "prospect_email", "prospect_phone",
                                      "prospect_language", "prospect_sectors", "message", "prospect_agreed",
                                      "consent"],
                                number=["estimated_investment"])),
}


@pytest.mark.parametrize("form", list(PUBLIC_FORMS))
@FUZZ
@given(data=st.data())
def test_public_forms_take_any_value_without_a_server_error(client, catalogue, fuzzing, form, data):
    """A valid submission with some fields replaced: the rest of it is valid, so what the hostile
    values do reaches validation and, when they pass, the database."""
    fuzzing()
    valid, hostile_fields = PUBLIC_FORMS[form]
    lang = data.draw(st.one_of(st.just("en"), any_language), label="lang")
    path = _prefix(lang) + form
    page = client.get(path)
    assert_no_server_error(page, f"GET {path}")
    hostile = data.draw(some_of(hostile_fields, at_least=1), label="fields")
    payload = {**hidden_fields(page.text), **valid(), **hostile}
    assert_no_server_error(client.post(path, data=payload), f"POST {path} {hostile!r}")


# --- the JSON API --------------------------------------------------------------------------------

API_ROUTES = {
    "/api/v1/projects": PROJECT_FILTERS | fields(number=["per_page"]),
    "/api/v1/parks": PARK_FILTERS | fields(number=["per_page"]),
    "/api/v1/projects/chip-fab": fields(text=["lang"]),
    "/api/v1/parks/vsip-3": fields(text=["lang"]),
    "/api/v1/sectors": fields(text=["lang"]),
    "/api/v1/locations": fields(text=["lang"]),
    "/api/v1/openapi.json": fields(text=["lang"]),
}


@pytest.mark.parametrize("route", list(API_ROUTES))
@FUZZ
@given(data=st.data())
def test_api_routes_answer_any_query_without_a_server_error(client, catalogue, fuzzing, route, data):
    fuzzing()
    query = data.draw(some_of(API_ROUTES[route]), label="query")
    response = client.get(route, query_string=query)
    assert_no_server_error(response, f"GET {route} {query!r}")
    assert response.is_json


@FUZZ
@given(slug=hostile_text)
def test_api_slugs_answer_without_a_server_error(client, catalogue, fuzzing, slug):
    fuzzing()
    for kind in ("projects", "parks"):
        route = f"/api/v1/{kind}/{quote(slug, safe='')}"
        assert_no_server_error(client.get(route), f"GET {route}")


# --- the staff forms, as a manager ------------------------------------------------------------------

LEAD_FILTERS = fields(text=["q", "status", "stage", "owner", "kind", "source", "referrer", "event", "country",
                            "sector", "language", "tag", "overdue", "no_next_step", "sort"],
                      number=["page"], date=["created_from", "created_to"])
STAFF_FORMS = {
    "stage": fields(text=["stage", "sectors", "lost_reason", "lost_comment"],
                    number=["estimated_investment", "registered_capital", "expected_jobs"],
                    date=["visit_from", "certificate_date"]),
    "edit": fields(text=["name", "company", "job_title", "email", "phone", "country", "preferred_language",
                         "sectors", "timeline"],
                   number=["estimated_investment", "land_need_ha"]),
    "tags": fields(text=["tags"]),
    "tasks": fields(text=["title", "assignee"], date=["due_date"]),
}


def staff_defaults(manager, session) -> dict[str, dict]:
    """Values that pass each staff form, for the fields an example leaves alone."""
    qualified = session.scalars(select(Stage).where(Stage.code == "qualified")).one()
    return {
        "stage": {"stage": str(qualified.id), "sectors": "semiconductors", "estimated_investment": "45"},
        "edit": {"name": "Kim Min-jun", "company": "Hanbit", "email": "minjun@hanbit.example", "country": "KR",
                 "preferred_language": "ko", "estimated_investment": "12.5", "land_need_ha": "3"},
        "tags": {"tags": "Korea desk"},
        "tasks": {"title": "Call back", "due_date": (date.today() + timedelta(days=2)).isoformat(),
                  "assignee": str(manager.id)},
    }


@FUZZ
@given(query=some_of(LEAD_FILTERS))
def test_the_lead_list_and_its_export_take_any_filter_without_a_server_error(staff_client, catalogue, fuzzing,
                                                                            query):
    fuzzing()
    for route in ("/staff/leads", "/staff/leads/export.xlsx"):
        assert_no_server_error(staff_client.get(route, query_string=query), f"GET {route} {query!r}")


@pytest.mark.parametrize("form", list(STAFF_FORMS))
@FUZZ
@given(data=st.data())
def test_staff_forms_take_any_value_without_a_server_error(staff_client, staff_token, manager, session, catalogue,
                                                           fuzzing, form, data):
    """Each example works on a lead of its own; whatever it stored must still export to Excel."""
    fuzzing()
    lead = factories.lead(f"Example {form}")
    session.commit()
    hostile = data.draw(some_of(STAFF_FORMS[form], at_least=1), label="fields")
    route = f"/staff/leads/{lead.reference}/{form}"
    response = staff_client.post(route, data={"csrf_token": staff_token, **staff_defaults(manager, session)[form],
                                              **hostile})
    assert_no_server_error(response, f"POST {route} {hostile!r}")
    assert_no_server_error(staff_client.get("/staff/leads/export.xlsx"), "export after " + repr(hostile))


# --- one regression test per cause the fuzz found ------------------------------------------------------


def field_error(html: str, field: str) -> str:
    found = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', html)
    return found.group(1) if found else ""


def test_an_unknown_language_in_the_query_or_the_prefix_never_breaks_a_page(app, client, catalogue):
    """``?lang=`` means nothing where the language is in the path; an unknown prefix is a 404 page
    (in English for a first visit: neither a remembered language nor Accept-Language)."""
    for url in ("/en/?lang=x", "/ko/projects/?lang=x&page=2", "/ja/parks/?lang=vi", "/en/projects/nothing?lang=x"):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert "lang=x" not in response.text and "lang=vi" not in response.text
    # the switcher's link to Vietnamese: remember the choice, then this page (its page, not ?lang=x)
    assert 'href="/vi/language?next=/vi/projects/?page%3D2"' in client.get("/ko/projects/?lang=x&page=2").text
    for url in ("/xx/", "/EN/inquire", "/fr/projects/?lang=x"):
        response = app.test_client().get(url)
        assert response.status_code == 404 and '<html lang="en">' in response.text, url
        assert "Page not found" in response.text


def test_after_a_server_error_the_language_links_lead_home(tmp_path):
    """The failing page's own address may be what failed: the 500 page links to each home page."""
    app = make_app(f"sqlite:///{tmp_path / 'portal.sqlite3'}", tmp_path / "instance", PROPAGATE_EXCEPTIONS=False)

    @app.get("/<lang:lang>/broken")
    def broken():
        raise RuntimeError("a page that fails")

    response = app.test_client().get("/ko/broken?lang=x")
    assert response.status_code == 500
    assert 'href="/vi/language?next=/vi/"' in response.text and "/vi/broken" not in response.text


def test_a_page_number_past_a_database_integer_is_an_empty_page(client, staff_client, catalogue):
    huge = str(2**63)
    for url in (f"/en/projects/?page={huge}", f"/en/parks/?page={huge}", f"/staff/leads?page={huge}",
                "/en/projects/?page=-3", "/en/projects/?page=1e3", f"/en/projects/?page={'9' * 5000}"):
        assert (staff_client if url.startswith("/staff") else client).get(url).status_code == 200, url
    refused = client.get(f"/api/v1/projects?page={huge}")
    assert refused.status_code == 400 and set(refused.get_json()["error"]["fields"]) == {"page"}
    assert client.get("/api/v1/parks?per_page=NaN").status_code == 400


@pytest.mark.parametrize(("typed", "message"), [
    ("NaN", "Enter a number, such as 12.5."), ("sNaN", "Enter a number, such as 12.5."),
    ("Infinity", "Enter a number, such as 12.5."), ("1e999999", "This number is too large."),
    ("5000000", "Enter a number from 0 to 1,000,000."),
])
def test_a_number_filter_refuses_nan_infinity_and_huge_values_beside_the_field(client, catalogue, typed, message):
    html = client.get("/en/projects/", query_string={"min_investment": typed, "max_area": typed}).text
    assert field_error(html, "min_investment") == message and field_error(html, "max_area") == message
    assert f'value="{typed}"' in html  # what the visitor typed stays in the form
    api = client.get("/api/v1/parks", query_string={"min_available": typed})
    assert api.status_code == 400 and api.get_json()["error"]["fields"] == {"min_available": [message]}


def test_an_empty_number_field_is_no_error(client, catalogue):
    """Browsers send every field, empty ones included: an empty number is "not given"."""
    html = client.get("/en/projects/?q=&min_investment=&max_investment=&min_area=&max_area=+").text
    assert 'class="field-error"' not in html
    assert submit(client, "/en/inquire", inquiry(land_need="", estimated_investment=" ")).status_code == 302


def test_a_signalling_nan_in_the_public_and_staff_forms_is_refused_and_kept(client, staff_client, session, catalogue):
    for path, data, field in (("/en/inquire", inquiry(estimated_investment="sNaN"), "estimated_investment"),
                              ("/en/inquire", inquiry(land_need="-Infinity"), "land_need"),
                              ("/en/refer", referral(estimated_investment="sNaN"), "estimated_investment")):
        response = submit(client, path, data)
        assert response.status_code == 400, path
        assert field_error(response.text, field) == "Enter a number, such as 12.5."
        assert 'value="sNaN"' in response.text or 'value="-Infinity"' in response.text
    lead = factories.lead("Hanbit")
    session.commit()
    refused = post(staff_client, f"/staff/leads/{lead.reference}/stage", stage=str(lead.stage_id),
                   registered_capital="sNaN", expected_jobs=str(2**63))
    assert refused.status_code == 400
    assert field_error(refused.text, "registered_capital") == "Enter a number, such as 12.5."
    assert field_error(refused.text, "expected_jobs") == "This number is too large."


def test_a_nul_byte_is_removed_from_form_fields_and_refused_in_an_address(client, staff_client, session, catalogue):
    sent = submit(client, "/en/inquire", inquiry(name="Kim\x00 Min-jun", company="Han\x00bit",
                                                 message="Line one\x00\r\nLine\ttwo"))
    assert sent.status_code == 302
    lead = session.scalars(select(Lead)).one()
    assert (lead.name, lead.company, lead.message) == ("Kim Min-jun", "Hanbit", "Line one\r\nLine\ttwo")
    for url in ("/en/projects/?q=%00", "/en/projects/%00", "/en/parks/compare?park=%00&park=vsip-3",
                "/en/inquire?project=%00", "/r/%00", "/api/v1/projects/%00"):
        assert client.get(url).status_code == 400, url
    assert staff_client.get("/staff/leads?q=chip%00").status_code == 400


def test_a_control_character_in_a_company_name_never_breaks_the_excel_export(staff_client, session):
    factories.lead("Stored\x0bbefore the forms cleaned it")  # typed before this fix, or imported
    session.commit()
    response = staff_client.get("/staff/leads/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.data)).active
    assert "Storedbefore the forms cleaned it" in [cell.value for cell in sheet[2]]
    assert "\x0b" not in staff_client.get("/staff/leads/export.csv").data.decode("utf-8-sig")


def test_a_capitalised_vietnamese_tag_is_one_tag_whatever_its_case(staff_client, session):
    first, second = factories.lead("First Co"), factories.lead("Second Co")
    session.commit()
    assert post(staff_client, f"/staff/leads/{first.reference}/tags", tags="Điện tử").status_code == 302
    assert post(staff_client, f"/staff/leads/{second.reference}/tags", tags="Điện tử, ĐIỆN TỬ").status_code == 302
    assert post(staff_client, f"/staff/leads/{second.reference}/tags", tags="điện tử").status_code == 302
    session.expire_all()
    assert [tag.name for tag in session.scalars(select(Tag))] == ["Điện tử"]
    assert [tag.name for tag in second.tags] == ["Điện tử"]


def test_the_api_answers_aware_utc_times_and_takes_what_its_description_says(client, catalogue):
    project = client.get("/api/v1/projects/chip-fab").get_json()
    assert datetime.fromisoformat(project["updated_at"]).utcoffset() == timezone.utc.utcoffset(None)
    described = client.get("/api/v1/openapi.json").get_json()
    sector = next(p for p in described["paths"]["/projects"]["get"]["parameters"] if p.get("name") == "sector")
    assert sector["schema"]["enum"] == ["", "semiconductors", "batteries"]
    reversed_range = client.get("/api/v1/projects?min_investment=50&max_investment=10")
    assert reversed_range.status_code == 200 and reversed_range.get_json()["total"] == 0
