"""A form sent twice is one inquiry: a double click, a retrying proxy or the browser sending it again
make one lead, and every sending gets the same confirmation; different forms sent at once are all kept."""
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from portal.leads.models import FormSubmission, Lead
from portal.outbox.models import OutboxMessage
from tests.forms import hidden_fields, inquiry, referral, visit

FORMS = [("/en/inquire", inquiry), ("/ko/visit", visit), ("/ja/refer", referral)]


def leads(session) -> list[Lead]:
    session.expire_all()
    return list(session.scalars(select(Lead).order_by(Lead.id)))


def shown_reference(client) -> str:
    page = client.get(client.thank_you_url)
    return re.search(r"<strong>(IP-[^<]+)</strong>", page.text).group(1)


def opened(app, url: str, data: dict):
    """A browser that opened the form: its own cookies, and what it will send."""
    client = app.test_client()
    page = client.get(url)
    assert page.status_code == 200
    client.thank_you_url = url.rsplit("/", 1)[0] + "/thank-you"
    return client, {**hidden_fields(page.text), **data}


def copy_of(app, browser):
    """The same browser again (the same cookies) in a client of its own, for another thread."""
    client, _ = browser
    twin = app.test_client()
    for cookie in client._cookies.values():
        twin.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    twin.thank_you_url = client.thank_you_url
    return twin, browser[1]


def send_at_once(url: str, browsers: list) -> list:
    """Every browser posts its form at the same moment, each from a thread of its own."""
    start = threading.Barrier(len(browsers))

    def send(browser):
        client, data = browser
        start.wait()
        return client.post(url, data=data)

    with ThreadPoolExecutor(len(browsers)) as pool:
        return list(pool.map(send, browsers))


@pytest.mark.parametrize(("url", "form"), FORMS)
def test_the_same_form_sent_again_is_one_lead_with_the_same_confirmation(app, session, catalogue, url, form):
    client, data = opened(app, url, form())
    first = client.post(url, data=data)
    first_reference = shown_reference(client)
    again = client.post(url, data=data)

    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    [lead] = leads(session)
    assert shown_reference(client) == first_reference == lead.reference
    assert len(lead.consents) == 1 and lead.activities == []
    assert len(list(session.scalars(select(OutboxMessage)))) == 2  # one answer, one notification


@pytest.mark.parametrize(("url", "form"), FORMS)
def test_eight_identical_sendings_at_once_make_one_lead(app, session, catalogue, monkeypatch, url, form):
    monkeypatch.setitem(app.config, "PORTAL_FORM_RATE_LIMIT", "100 per hour")
    browser = opened(app, url, form())
    twins = [copy_of(app, browser) for _ in range(8)]

    answers = send_at_once(url, twins)

    assert [answer.status_code for answer in answers] == [302] * 8
    [lead] = leads(session)
    assert {shown_reference(client) for client, _ in twins} == {lead.reference}
    assert len(lead.consents) == 1
    assert session.scalars(select(FormSubmission.lead_id)).all() == [lead.id]
    assert len(list(session.scalars(select(OutboxMessage)))) == 2


def test_eight_different_inquiries_at_once_are_all_kept(app, session, catalogue, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_FORM_RATE_LIMIT", "100 per hour")
    browsers = [opened(app, "/en/inquire", inquiry(email=f"investor{n}@example.com")) for n in range(8)]

    answers = send_at_once("/en/inquire", browsers)

    assert [answer.status_code for answer in answers] == [302] * 8
    kept = leads(session)
    assert sorted(lead.email for lead in kept) == sorted(f"investor{n}@example.com" for n in range(8))
    assert sorted(shown_reference(client) for client, _ in browsers) == sorted(lead.reference for lead in kept)


def test_a_form_shown_again_with_errors_keeps_its_key_and_each_new_form_gets_its_own(client, session, catalogue):
    first, second = (hidden_fields(client.get("/en/inquire").text)["form_key"] for _ in range(2))
    assert first != second and len(first) >= 20

    data = {**hidden_fields(client.get("/en/inquire").text), **inquiry(email="not-an-address")}
    refused = client.post("/en/inquire", data=data)
    assert refused.status_code == 400
    assert hidden_fields(refused.text)["form_key"] == data["form_key"]
    assert client.post("/en/inquire", data={**data, "email": "kim@hanbit.example"}).status_code == 302
    assert len(leads(session)) == 1


@pytest.mark.parametrize("key", [None, "", "short", "<script>" * 5])
def test_a_form_without_a_key_we_gave_is_still_received(client, session, catalogue, key):
    data = {**hidden_fields(client.get("/en/inquire").text), **inquiry()}
    if key is None:
        data.pop("form_key")
    else:
        data["form_key"] = key
    assert client.post("/en/inquire", data=data).status_code == 302
    [lead] = leads(session)
    [stored] = session.scalars(select(FormSubmission)).all()
    assert stored.lead_id == lead.id and stored.key != key


def test_a_later_message_from_the_same_investor_still_joins_their_lead(client, session, catalogue):
    """The key tells one form from another, not one investor from another: a new form from the same
    address is a new message on the open lead, as before."""
    for message in ("First question.", "A second question."):
        data = {**hidden_fields(client.get("/en/inquire").text), **inquiry(message=message)}
        assert client.post("/en/inquire", data=data).status_code == 302
    [lead] = leads(session)
    assert [activity.body for activity in lead.activities] == ["A second question."]
    assert len(session.scalars(select(FormSubmission)).all()) == 2
