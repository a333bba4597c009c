"""The inquiry, site-visit and referral forms: every language, every rule, nothing lost."""
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal import clock
from portal.leads.models import Lead, LeadStatus
from portal.outbox.models import OutboxMessage
from portal.privacy import NOTICE_VERSION
from tests.forms import inquiry, referral, submit, visit
from tests.mails import as_sent

LANGS = ("vi", "en", "ko", "ja")


def leads(session) -> list[Lead]:
    session.expire_all()
    return list(session.scalars(select(Lead).order_by(Lead.id)))


def outbox(session) -> list[OutboxMessage]:
    return as_sent(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(("path", "data", "kind"), [("inquire", inquiry(), "inquiry"), ("visit", visit(), "site_visit"),
                                                   ("refer", referral(), "referral")])
def test_each_form_creates_a_lead_in_every_language(client, session, catalogue, lang, path, data, kind):
    response = submit(client, f"/{lang}/{path}", data)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/{lang}/thank-you"

    [lead] = leads(session)
    assert lead.kind == kind and lead.status == LeadStatus.OPEN and lead.stage.code == "new"
    assert re.fullmatch(r"IP-\d\d-[2-9A-HJKMNP-Z]{6}", lead.reference)  # readable, and not the database id
    page = client.get(f"/{lang}/thank-you")
    assert f"<strong>{lead.reference}</strong>" in page.text
    assert f'<html lang="{lang}">' in page.text

    [consent] = lead.consents
    assert consent.notice_version == NOTICE_VERSION and consent.language == lang
    assert consent.ip_address == "127.0.0.1" and consent.given_at is not None
    assert "answer_request" in consent.purpose_list and "news" not in consent.purpose_list
    kinds = [message.kind for message in outbox(session)]
    assert kinds == (["referral_thanks", "new_lead"] if kind == "referral" else ["acknowledgement", "new_lead"])


def test_inquiry_keeps_everything_the_investor_said(client, session, catalogue):
    submit(client, "/ko/inquire?project=chip-fab", inquiry(news="y"))
    [lead] = leads(session)
    assert (lead.name, lead.company, lead.job_title, lead.country) == (
        "Kim Min-jun", "Hanbit Electronics", "Investment Director", "KR")
    assert lead.email == "minjun.kim@hanbit.example" and lead.preferred_language == "ko"
    assert lead.estimated_investment_usd == 120_000_000 and lead.land_need_ha == Decimal("15")
    assert lead.timeline == "within_1_year" and lead.source == "website"
    assert [s.code for s in lead.sectors] == ["semiconductors"]
    assert [p.slug for p in lead.projects] == ["chip-fab"]
    assert lead.consents[0].purpose_list == ["answer_request", "news"]


def test_inquiry_page_shows_what_the_investor_came_from(client, catalogue):
    html = client.get("/en/inquire?project=chip-fab&park=vsip-3").text
    assert "You are asking about" in html
    assert 'href="/en/projects/chip-fab"' in html and 'href="/en/parks/vsip-3"' in html
    assert 'value="chip-fab"' in html
    assert "You are asking about" not in client.get("/en/inquire?project=no-such-project").text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Please fill in this field."),
        ("company", "", "Please fill in this field."),
        ("email", "not-an-address", "Please enter a valid e-mail address, such as name@company.com."),
        ("phone", "call me maybe", "Please enter a phone number with digits, spaces and + ( ) - only."),
        ("country", "XX", "Not a valid choice."),
        ("country", "", "Please choose a country."),
        ("estimated_investment", "-5", "Enter a number from 0 to 100,000."),
        ("message", "", "Please fill in this field."),
        ("message", "x" * 5001, "Please keep this under 5000 characters."),
        ("name", "N" * 121, "Please keep this under 120 characters."),
        ("consent", None, "Please give your consent, otherwise we cannot answer your request."),
    ],
)
def test_inquiry_errors_are_shown_beside_the_field_and_input_is_kept(client, session, catalogue, field, value, message):
    response = submit(client, "/en/inquire", inquiry(**{field: value}))
    assert response.status_code == 400
    html = response.text
    assert f'<p class="field-error" id="{field}-error">{message}</p>' in html
    assert f'aria-describedby="{field}-error"' in html or f'id="{field}-error"' in html
    assert 'value="Hanbit Electronics"' in html or field == "company"
    assert "We look for 15 ha for a chip packaging plant." in html or field == "message"
    assert leads(session) == []
    assert outbox(session) == []


def test_error_messages_are_translated(client, session, catalogue):
    html = submit(client, "/ja/inquire", inquiry(email="nope", consent=None)).text
    assert "Please enter a valid e-mail address" not in html
    assert html.count('class="field-error"') == 2


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"visit_from": "2020-01-01", "visit_to": "2020-01-02"}, "visit_from", "The visit cannot start in the past."),
        ({"visit_to": "2000-01-01"}, "visit_to", "The last day cannot be before the first day."),
        ({"parks": None}, "parks", "Choose at least one industrial park or project to visit."),
        ({"visitors": "0"}, "visitors", "Enter a number from 1 to 50."),
        ({"visit_from": "soon"}, "visit_from", "Not a valid date value."),
    ],
)
def test_visit_request_rules(client, session, catalogue, overrides, field, message):
    response = submit(client, "/en/visit", visit(**overrides))
    assert response.status_code == 400
    assert f'id="{field}-error">{message}</p>' in response.text
    assert leads(session) == []


def test_visit_request_records_dates_parks_and_guide(client, session, catalogue):
    data = visit(projects=["chip-fab"])
    submit(client, "/ja/visit", data)
    [lead] = leads(session)
    assert lead.visit_from.isoformat() == data["visit_from"] and lead.visit_to.isoformat() == data["visit_to"]
    assert lead.visitors == 3 and lead.guide_language == "ja"
    assert [park.slug for park in lead.parks] == ["vsip-3"] and [p.slug for p in lead.projects] == ["chip-fab"]


def test_referral_stores_the_prospect_and_who_introduced_them(client, session, catalogue):
    submit(client, "/ko/refer", referral())
    [lead] = leads(session)
    assert (lead.name, lead.company, lead.email) == ("Lee Seo-yeon", "Daejeon Battery Materials",
                                                     "seoyeon.lee@dbm.example")
    assert lead.source == "referral_form" and lead.preferred_language == "ko"
    assert (lead.introducer_name, lead.introducer_email, lead.introducer_relationship) == (
        "Park Ji-woo", "jiwoo.park@daejeon.example", "sister_city")
    [consent] = lead.consents
    assert consent.subject == "introducer" and consent.email == "jiwoo.park@daejeon.example"
    assert "prospect_agreed" in consent.purpose_list
    recipients = [message.recipient for message in outbox(session)]
    assert "seoyeon.lee@dbm.example" not in recipients  # nobody writes to the prospect before a person does
    assert recipients == ["jiwoo.park@daejeon.example", "leads@centre.example"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"prospect_email": "JIWOO.park@daejeon.example"}, "prospect_email",
         "Please give the e-mail of the person you introduce, not your own."),
        ({"prospect_agreed": None}, "prospect_agreed", "We can only contact people who agreed to be introduced."),
        ({"introducer_relationship": ""}, "introducer_relationship", "Please choose one."),
    ],
)
def test_referral_rules(client, session, catalogue, overrides, field, message):
    response = submit(client, "/en/refer", referral(**overrides))
    assert f'id="{field}-error">{message}</p>' in response.text
    assert leads(session) == []


def test_a_second_message_from_the_same_investor_joins_the_open_lead(client, session, catalogue):
    submit(client, "/en/inquire", inquiry())
    [first] = leads(session)
    second = submit(client, "/ja/visit", visit(email="MinJun.Kim@Hanbit.example", message="May we visit in March?"))
    assert second.status_code == 302
    assert f"<strong>{first.reference}</strong>" in client.get("/ja/thank-you").text

    [lead] = leads(session)
    assert lead.id == first.id
    [activity] = lead.activities
    assert (activity.kind, activity.submission_kind, activity.body) == ("message", "site_visit", "May we visit in March?")
    assert [park.slug for park in lead.parks] == ["vsip-3"]
    assert lead.visitors == 3
    assert len(lead.consents) == 2
    assert [m.kind for m in outbox(session)].count("acknowledgement") == 2


@pytest.mark.parametrize("change", ["old", "lost"])
def test_old_or_closed_leads_are_not_joined(client, session, catalogue, change):
    submit(client, "/en/inquire", inquiry())
    [lead] = leads(session)
    if change == "old":
        lead.last_message_at = clock.now() - timedelta(days=91)
    else:
        lead.status = LeadStatus.LOST
    session.commit()
    submit(client, "/en/inquire", inquiry(message="A new project."))
    assert len(leads(session)) == 2


def test_missing_csrf_token_is_refused_and_nothing_is_saved(client, session, catalogue):
    response = submit(client, "/en/inquire", inquiry(), drop=("csrf_token",))
    assert response.status_code == 400
    assert "For your security this form expired." in response.text
    assert 'value="Hanbit Electronics"' in response.text
    assert leads(session) == []


def test_honeypot_rejects_politely(client, session, catalogue):
    response = submit(client, "/en/inquire", inquiry(website="http://spam.example"))
    assert response.status_code == 400
    assert "We could not accept this submission." in response.text
    assert "Traceback" not in response.text
    assert leads(session) == []


def test_a_form_sent_too_fast_is_refused_and_kept(client, session, catalogue, app, monkeypatch):
    monkeypatch.setitem(app.config, "FORM_MIN_FILL_SECONDS", 60)
    response = submit(client, "/en/inquire", inquiry())
    assert response.status_code == 400
    assert "That was quicker than we expected." in response.text
    assert 'value="Kim Min-jun"' in response.text
    assert leads(session) == []


def test_a_form_without_its_start_time_is_refused(client, session, catalogue):
    response = submit(client, "/en/inquire", inquiry(), drop=("started",))
    assert "That was quicker than we expected." in response.text
    assert leads(session) == []


def test_rate_limit_per_address(client, session, catalogue, app, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_FORM_RATE_LIMIT", "2 per hour")
    for number in range(2):
        assert submit(client, "/ko/inquire", inquiry(email=f"person{number}@example.com")).status_code == 302
    refused = submit(client, "/ko/inquire", inquiry(email="third@example.com"))
    assert refused.status_code == 429
    assert '<html lang="ko">' in refused.text and 'class="site-header"' in refused.text
    assert len(leads(session)) == 2
    assert client.get("/ko/inquire").status_code == 200  # reading the form is never limited


def test_message_with_markup_is_stored_as_typed_and_shown_escaped(client, session, catalogue):
    typed = '<script>alert("x")</script> <b>bold</b> & more'
    response = submit(client, "/en/inquire", inquiry(message=typed, email="bad"))
    assert '<script>alert("x")</script>' not in response.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt; &amp; more" in response.text
    submit(client, "/en/inquire", inquiry(message=typed))
    [lead] = leads(session)
    assert lead.message == typed
    notification = outbox(session)[-1]
    assert typed in notification.body  # plain-text mail: shown as typed, never interpreted


#: What a stranger would type to use the centre's acknowledgement as a relay for their own text.
PHISHING = {"name": "Your account is suspended", "company": "Log in at phish.example to keep it",
            "message": "Urgent: confirm your bank details at http://phish.example/login"}


def mail_of(session, kind: str) -> OutboxMessage:
    return next(message for message in outbox(session) if message.kind == kind)


@pytest.mark.parametrize("lang", LANGS)
def test_the_acknowledgement_names_what_was_asked_and_repeats_nothing_typed(client, session, catalogue, lang):
    submit(client, f"/{lang}/inquire?project=chip-fab", inquiry(**PHISHING))
    [lead] = leads(session)
    ack = mail_of(session, "acknowledgement")
    for typed in PHISHING.values():
        assert typed not in ack.subject and typed not in ack.body
    assert "phish" not in ack.subject + ack.body
    assert lead.reference in ack.subject and lead.reference in ack.body
    assert "Chip packaging plant" in ack.body  # the project, from the catalogue
    assert "semiconductors" in ack.body.lower()  # the sector chosen
    assert f"http://localhost/{lang}/" in ack.body  # the portal, to reach the centre
    assert PHISHING["message"] in mail_of(session, "new_lead").body  # the centre still reads every word


def test_the_site_visit_acknowledgement_confirms_parks_and_dates(client, session, catalogue):
    data = visit(**PHISHING)
    submit(client, "/en/visit", data)
    ack = mail_of(session, "acknowledgement").body
    assert "Site-visit request" in ack and "VSIP III" in ack
    assert date.fromisoformat(data["visit_from"]).strftime("%-d %b %Y") in ack
    assert not any(typed in ack for typed in PHISHING.values())


def test_the_introducers_thank_you_repeats_nothing_typed(client, session, catalogue):
    typed = {"introducer_name": "Your parcel is held", "prospect_name": "Pay the customs fee",
             "prospect_company": "at http://phish.example", "message": "Click http://phish.example/pay now"}
    submit(client, "/ko/refer", referral(**typed))
    [lead] = leads(session)
    thanks = mail_of(session, "referral_thanks")
    assert thanks.recipient == "jiwoo.park@daejeon.example" and thanks.language == "ko"
    for text in typed.values():
        assert text not in thanks.subject and text not in thanks.body
    assert lead.reference in thanks.subject and lead.reference in thanks.body
    assert "batteries (ko)" in thanks.body  # the sector chosen, in the introducer's language


def test_thank_you_page_needs_a_submission(client):
    response = client.get("/en/thank-you")
    assert response.status_code == 302 and response.headers["Location"] == "/en/"


def test_forms_and_privacy_notice_exist_in_every_language(client):
    for lang in LANGS:
        for path in ("inquire", "visit", "refer", "privacy"):
            response = client.get(f"/{lang}/{path}")
            assert response.status_code == 200, (lang, path)
            assert f'<html lang="{lang}">' in response.text
        notice = client.get(f"/{lang}/privacy").text
        assert NOTICE_VERSION in notice
        assert "91/2025" in notice and "356/2025" in notice


def test_consent_box_is_never_pre_ticked(client):
    for path in ("inquire", "visit", "refer"):
        html = client.get(f"/en/{path}").text
        for name in ("consent", "news"):
            tag = html[html.index(f'name="{name}"') - 120: html.index(f'name="{name}"') + 60]
            assert "checked" not in tag


def test_rate_limit_can_count_in_redis(tmp_path, monkeypatch):
    """With RATELIMIT_STORAGE_URI naming Redis, every worker shares the same counts."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    from portal import create_app
    from portal.extensions import db, limiter

    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    database = f"sqlite:///{tmp_path / 'x.db'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database, "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379", "RATELIMIT_KEY_PREFIX": tmp_path.name,
                      "PORTAL_FORM_RATE_LIMIT": "1 per minute"})
    with app.app_context():
        db.create_all()
    client = app.test_client()
    try:
        assert client.post("/en/inquire", data={}).status_code == 400  # counted, though invalid
        assert client.post("/en/inquire", data={}).status_code == 429
    finally:
        with app.app_context():
            limiter.reset()
        # The limiter is one object per process: give it back an in-memory store for the other tests.
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database})
