"""The investor's private page: reached from the acknowledgement's link, shows only what an investor
should see, takes messages and documents onto the same lead, and refuses wrong or expired links."""
import io
import re
from datetime import date, timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from portal import clock
from portal.leads.follow.operations import issue_link
from portal.leads.models import Activity, InquiryLink, InvestorDocument, Lead
from portal.outbox.models import OutboxMessage
from tests import factories
from tests.forms import hidden_fields, inquiry, submit
from tests.mails import as_sent
from tests.pdfs import pdf

LANGS = ("vi", "en", "ko", "ja")
LINK = re.compile(r"http://localhost(/\w\w/my-inquiry/[A-Za-z0-9_-]{40,})")
CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+')


@pytest.fixture(autouse=True)
def documents(app, tmp_path, monkeypatch):
    folder = tmp_path / "lead-documents"
    monkeypatch.setitem(app.config, "LEAD_DOCUMENT_DIR", str(folder))
    return folder


def mails(session, kind: str) -> list[OutboxMessage]:
    session.expire_all()
    found = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id))
    return as_sent(found)


def private_link(session, kind: str = "acknowledgement") -> str:
    [mail] = mails(session, kind)[-1:]
    return LINK.search(mail.body).group(1)


def photo() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (800, 600), "teal").save(output, format="PNG")
    return output.getvalue()


@pytest.fixture
def followed(session):
    """A lead with everything internal set: stage lost, notes, priority, an owner."""
    officer = factories.user("officer", name="Nguyễn Thị Lan", email="lan@centre.example")
    officer.languages = "vi,ko"
    lead = factories.lead("Hanbit Electronics", stage="lost", owner=officer, preferred_language="ko",
                          visit_from=date(2030, 3, 4), visit_to=date(2030, 3, 6), priority_score=87,
                          lost_comment="Budget too small, internal only")
    session.flush()
    lead.activities.append(Activity(kind="note", body="Internal note: the CEO is hesitant", user_id=officer.id,
                                    created_at=clock.now()))
    lead.first_responded_at = clock.now()
    token = issue_link(lead)
    session.commit()
    return lead, token


def test_the_acknowledgement_carries_a_private_link_on_the_public_address(client, session, catalogue):
    submit(client, "/ko/inquire", inquiry())
    url = private_link(session)
    lead = session.scalars(select(Lead)).one()
    [link] = session.scalars(select(InquiryLink)).all()
    assert url.split("/")[-1] not in link.token_hash  # only the hash is stored
    assert link.lead_id == lead.id
    assert (link.expires_at.replace(tzinfo=None) - link.created_at.replace(tzinfo=None)).days == 180
    page = client.get(url)
    assert page.status_code == 200
    assert lead.reference in page.text
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"


def test_the_link_is_built_on_the_configured_address_never_the_host_header(client, session, catalogue, app,
                                                                           monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_BASE_URL", "https://invest.example.gov.vn")
    page = client.get("/en/inquire", headers={"Host": "evil.example"})
    assert page.status_code in (200, 400)
    submit(client, "/en/inquire", inquiry())
    [mail] = mails(session, "acknowledgement")
    assert "https://invest.example.gov.vn/en/my-inquiry/" in mail.body
    assert "evil.example" not in mail.body


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_shows_what_the_investor_should_see_and_nothing_internal(client, followed, lang):
    lead, token = followed
    html = client.get(f"/{lang}/my-inquiry/{token}").text
    assert lead.reference in html
    assert "Lan" in html and "Nguyễn" not in html  # the given name only
    assert "lan@centre.example" not in html
    # what a reader sees (not the random tokens in attributes), but the reference, whose number is any
    text = re.sub(r"<[^>]+>", " ", html).replace(lead.reference, "")
    for internal in ("Lost", "Budget too small", "Internal note", "87", "priority", "hesitant"):
        assert internal not in text
    assert "2030" in html  # the planned visit


def test_the_page_says_when_nobody_is_assigned_and_no_answer_was_sent(client, session):
    lead = factories.lead()
    token = issue_link(lead)
    session.commit()
    html = client.get(f"/en/my-inquiry/{token}").text
    assert "An investment officer will be assigned to you shortly." in html
    assert "Not sent yet." in html


@pytest.mark.parametrize("token", ["x" * 43, "short", "a" * 200])
def test_a_wrong_link_gets_a_clear_page_that_offers_a_new_one(client, session, followed, token):
    response = client.get(f"/en/my-inquiry/{token}")
    assert response.status_code == 404
    assert "This link does not work" in response.text
    assert 'action="/en/my-inquiry"' in response.text
    assert followed[0].reference not in response.text


def test_an_expired_link_is_refused_with_410(client, session, followed):
    lead, token = followed
    link = session.scalars(select(InquiryLink)).one()
    link.expires_at = clock.now() - timedelta(seconds=1)
    session.commit()
    response = client.get(f"/en/my-inquiry/{token}")
    assert response.status_code == 410
    assert "This link has expired" in response.text and lead.reference not in response.text
    sent = client.post(f"/en/my-inquiry/{token}", data={**hidden_fields(response.text), "message": "hello"})
    assert sent.status_code == 410
    assert session.scalar(select(Activity.id).where(Activity.kind == "message")) is None


def add(client, token: str, message: str = "", files=(), lang: str = "en"):
    page = client.get(f"/{lang}/my-inquiry/{token}")
    data = {**hidden_fields(page.text), "message": message}
    if files:
        data["documents"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(f"/{lang}/my-inquiry/{token}", data=data, content_type="multipart/form-data")


def test_a_message_and_documents_go_onto_the_same_lead_and_the_officer_is_told(client, session, followed,
                                                                              documents):
    lead, token = followed
    response = add(client, token, "Here are our plans.", [("plan.pdf", pdf()), ("site.png", photo())])
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).text.count("Here are our plans.") == 1

    assert session.scalar(select(Lead.id).where(Lead.id != lead.id)) is None  # no second lead
    message = session.scalars(select(Activity).where(Activity.lead_id == lead.id,
                                                     Activity.kind == "message")).one()
    assert message.body == "Here are our plans." and message.user_id is None
    stored = session.scalars(select(InvestorDocument).order_by(InvestorDocument.id)).all()
    assert [(d.original_name, d.content_type) for d in stored] == [("plan.pdf", "application/pdf"),
                                                                   ("site.png", "image/png")]
    assert all((documents / d.stored_name).is_file() for d in stored)
    [notice] = mails(session, "investor_message")
    assert notice.recipient == "lan@centre.example" and lead.reference in notice.body
    assert "Here are our plans." not in notice.body


def test_staff_see_the_message_and_download_its_documents(client, app, session, followed):
    from tests.staff import log_in

    lead, token = followed
    add(client, token, "Our site plan", [("plan.pdf", pdf())])
    staff = app.test_client()
    log_in(staff, lead.owner)
    html = staff.get(f"/staff/leads/{lead.reference}").text
    assert "Our site plan" in html and "plan.pdf" in html
    document = session.scalars(select(InvestorDocument)).one()
    download = staff.get(f"/staff/leads/{lead.reference}/documents/{document.id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    assert client.get(f"/staff/leads/{lead.reference}/documents/{document.id}").status_code == 302  # public: login


@pytest.mark.parametrize(("name", "content"), [("plan.pdf", b"MZ\x90\x00 not a pdf"),
                                               ("photo.jpg", b"%PDF-1.7 broken"),
                                               ("notes.txt", b"plain text")])
def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_added(client, session, followed, documents,
                                                                         name, content):
    lead, token = followed
    response = add(client, token, "With a file", [(name, content)])
    assert response.status_code == 400
    assert "field-error" in response.text and "With a file" in response.text
    assert session.scalar(select(InvestorDocument.id)) is None
    assert session.scalar(select(Activity.id).where(Activity.kind == "message")) is None
    assert not documents.exists() or not any(documents.iterdir())


def test_an_empty_message_is_refused_beside_the_field(client, followed):
    response = add(client, followed[1], "")
    assert response.status_code == 400
    assert "Write a message or choose a document to send." in response.text


def test_the_resend_form_answers_the_same_whether_or_not_anything_matches(client, session, followed):
    lead, _token = followed
    page = client.get("/en/my-inquiry")
    answers = []
    for reference, email in ((lead.reference, lead.email), (lead.reference, "someone@else.example"),
                             ("IP-26-NOPE00", lead.email)):
        response = client.post("/en/my-inquiry", data={**hidden_fields(page.text), "reference": reference,
                                                       "email": email})
        assert response.status_code == 200 and CSRF_VALUE.search(response.text)
        # The CSRF token is signed with the second it was made: answers a second apart differ there only
        answers.append(CSRF_VALUE.sub(r"\1", response.text.replace(reference, "").replace(email, "")))
    assert answers[0] == answers[1] == answers[2]
    [sent] = mails(session, "inquiry_link")
    assert sent.recipient == lead.email
    new_url = LINK.search(sent.body).group(1)
    assert client.get(new_url).status_code == 200
    assert session.scalar(select(InquiryLink.id).where(InquiryLink.id > 0).order_by(InquiryLink.id.desc()))


def test_the_resend_form_needs_its_token_and_is_rate_limited(client, session, followed, app):
    assert client.post("/en/my-inquiry", data={"reference": "IP-26-X", "email": "a@b.example"}).status_code == 400
    page = client.get("/en/my-inquiry")
    codes = [client.post("/en/my-inquiry", data={**hidden_fields(page.text), "reference": "IP-26-X",
                                                 "email": "a@b.example"}).status_code for _ in range(12)]
    assert 429 in codes


def test_the_page_runs_a_fixed_number_of_queries(client, session, followed, count_queries):
    lead, token = followed
    for _ in range(3):
        add(client, token, "Another message", [("plan.pdf", pdf())])
    with count_queries() as counter:
        assert client.get(f"/en/my-inquiry/{token}").status_code == 200
    assert counter.count <= 8, counter.statements


def test_erasing_the_persons_data_removes_their_documents_and_stops_their_links(client, session, followed,
                                                                              documents):
    from portal.leads.personal_data import records
    from portal.leads.personal_data.operations import erase

    lead, token = followed
    add(client, token, "Our site plan", [("plan.pdf", pdf())])
    assert any(documents.iterdir())
    erase(records.find(lead.email), factories.user("manager"))
    session.commit()
    assert not any(documents.iterdir())
    assert session.scalar(select(InvestorDocument.id)) is None
    assert client.get(f"/en/my-inquiry/{token}").status_code == 404
    assert "plan.pdf" not in str([activity.details for activity in lead.activities])


def test_a_document_larger_than_the_public_forms_limit_fits_but_not_one_over_its_own(client, session, followed,
                                                                                   app, monkeypatch):
    lead, token = followed
    monkeypatch.setitem(app.config, "LEAD_DOCUMENT_MAX_BYTES", 6 * 1024 * 1024)
    assert add(client, token, "Our plan", [("plan.pdf", pdf(padding=5 * 1024 * 1024))]).status_code == 302
    refused = add(client, token, "Bigger", [("big.pdf", pdf(padding=7 * 1024 * 1024))])
    assert refused.status_code == 400 and "big.pdf: The file is larger than" in refused.text
    assert session.scalars(select(InvestorDocument.original_name)).all() == ["plan.pdf"]
