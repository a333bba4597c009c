"""Writing to the investor from the lead: reply templates in four languages, the message sent through
the outbox with threading headers, a reply address and brochures attached, on the timeline, and the
first one stopping the first-response clock."""
import html as html_lib
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import clock
from portal.audit import AuditEntry
from portal.leads.correspondence.defaults import seed_default_reply_templates
from portal.leads.models import Activity, ReplyTemplate
from portal.outbox.delivery import deliver_next
from portal.outbox.models import OutboxMessage, reply_address
from portal.projects.models import MediaFile
from tests import factories
from tests.mails import Catcher
from tests.staff import log_in, post


@pytest.fixture
def templates(session):
    seed_default_reply_templates()
    session.commit()


@pytest.fixture
def uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))
    monkeypatch.setitem(app.config, "MAIL_REPLY_TO", "invest@centre.example")
    return tmp_path


def brochure(session, name="chip-fab.pdf", stored="a1b2c3.pdf", **item) -> MediaFile:
    media = MediaFile(kind="brochure", stored_name=stored, original_name=name, content_type="application/pdf",
                      size_bytes=9, **item)
    session.add(media)
    session.flush()
    return media


def text_of(response) -> str:
    return html_lib.unescape(response.text)


@pytest.mark.parametrize(("lang", "greeting", "language_named"), [
    ("vi", "Kính gửi Ông/Bà Kim Min-jun – Hanbit Chips,", "Vietnamese"), ("en", "Dear Kim Min-jun,", "English"),
    ("ko", "Hanbit Chips Kim Min-jun 님께", "Korean"), ("ja", "Hanbit Chips\nKim Min-jun 様", "Japanese"),
])
def test_a_template_is_filled_in_the_investors_language(staff_client, session, manager, templates, lang, greeting,
                                                        language_named):
    park = factories.park("vsip-3", texts={"en": "VSIP III", "vi": "KCN VSIP III", "ko": "VSIP III 산업단지",
                                           "ja": "VSIP III 工業団地"})
    lead = factories.lead("Hanbit Chips", name="Kim Min-jun", preferred_language=lang)
    lead.parks = [park]
    session.commit()
    page = text_of(staff_client.get(f"/staff/leads/{lead.reference}/write?template=first_answer"))
    body = page.split("<textarea")[1].split(">", 1)[1]
    assert body.lstrip("\r\n").startswith(greeting + "\n\n")  # the letter opens as its readers expect
    assert park.text(lang).text.name in page and "Hanbit Chips" in page
    assert manager.name in page and manager.email in page
    assert f"who prefers {language_named}" in page
    assert "{" not in page.split("<textarea")[1].split("</textarea>")[0]  # every placeholder filled


def test_a_letter_to_someone_without_a_company_names_them_once(staff_client, session, templates):
    lead = factories.lead(name="佐藤 健", preferred_language="ja")
    lead.company = ""
    session.commit()
    page = text_of(staff_client.get(f"/staff/leads/{lead.reference}/write?template=first_answer"))
    body = page.split("<textarea")[1].split(">", 1)[1].lstrip("\r\n")
    assert body.startswith("佐藤 健 様\n\n")  # no company line repeating the name above it


def test_a_template_missing_in_the_investors_language_offers_the_english_one(staff_client, session, templates):
    session.delete(session.scalars(select(ReplyTemplate).where(ReplyTemplate.purpose == "documents",
                                                               ReplyTemplate.lang == "ja")).one())
    lead = factories.lead("Sakura Motors", name="Sato Hiroshi", preferred_language="ja")
    session.commit()
    page = text_of(staff_client.get(f"/staff/leads/{lead.reference}/write?template=documents"))
    assert "This template has no Japanese version yet: the English one is filled in below." in page
    assert "Dear Sato Hiroshi" in page


def test_sending_threads_the_message_stops_the_clock_and_attaches_the_brochure(app, staff_client, session, manager,
                                                                                uploads):
    lead = factories.lead("Hanbit Chips", name="Kim Min-jun", received=clock.now() - timedelta(days=3))
    project = factories.project("chip-fab", texts={"en": "Chip packaging plant"})
    lead.projects = [project]
    wanted = brochure(session, project_id=project.id)
    other_project = factories.project("other")
    session.flush()
    other = brochure(session, name="other.pdf", stored="zz.pdf", project_id=other_project.id)
    (uploads / "a1b2c3.pdf").write_bytes(b"%PDF-1.4\n")
    session.add(OutboxMessage(kind="acknowledgement", recipient=lead.email, subject="Thanks", body="...",
                              language="en", lead_id=lead.id, message_id="<ack.1@localhost>", status="sent"))
    # an earlier timeline entry carrying a Message-ID (as the mail reader records an investor's reply)
    lead.activities.append(Activity(kind="note", body="Mr Kim asked for the brochure.",
                                    details={"message_id": "<reply.2@company.example>"}))
    session.commit()
    assert "Answer overdue" in staff_client.get(f"/staff/leads/{lead.reference}").text

    page = staff_client.get(f"/staff/leads/{lead.reference}/write").text
    assert page.index("chip-fab.pdf") < page.index("other.pdf")  # the lead's own items first
    response = post(staff_client, f"/staff/leads/{lead.reference}/write", subject="The brochure you asked for",
                    body="Dear Mr Kim,\nplease find the brochure attached.", brochures=str(wanted.id))
    assert response.status_code == 302

    session.expire_all()
    assert lead.first_responded_at is not None
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "first_response")).one()
    email_activity = session.scalars(select(Activity).where(Activity.lead_id == lead.id,
                                                            Activity.kind == "email")).one()
    message = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "written")).one()
    assert email_activity.details == {"outbox_id": message.id, "message_id": message.message_id, "template": "",
                                      "attachments": ["chip-fab.pdf"]}
    timeline = text_of(staff_client.get(f"/staff/leads/{lead.reference}"))
    assert "please find the brochure attached." in timeline and "Attached: chip-fab.pdf" in timeline
    assert "Answer overdue" not in timeline
    assert other.id not in message.attachments

    address, reference, message_id = lead.email, lead.reference, message.message_id
    catcher = Catcher()
    assert deliver_next(catcher) == "sent"  # the acknowledgement is already sent: this is ours
    email = catcher.sent[0]
    assert email["To"] == address and email["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert email["Reply-To"] == f"invest+{reference}@centre.example"
    assert email["Message-ID"] == message_id
    assert email["In-Reply-To"] == "<reply.2@company.example>"
    assert email["References"].split() == ["<ack.1@localhost>", "<reply.2@company.example>"]
    attachment = next(email.iter_attachments())
    assert attachment.get_filename() == "chip-fab.pdf" and attachment.get_content() == b"%PDF-1.4\n"
    assert "please find the brochure attached." in email.get_body(("plain",)).get_content()


def test_a_brochure_whose_file_is_gone_fails_the_message_clearly_and_it_is_retried(staff_client, session, uploads):
    lead = factories.lead("Hanbit Chips")
    park = factories.park("vsip-3")
    session.flush()
    gone = brochure(session, name="old.pdf", stored="gone.pdf", park_id=park.id)
    session.commit()
    post(staff_client, f"/staff/leads/{lead.reference}/write", subject="Brochure", body="Attached.",
         brochures=str(gone.id))
    assert deliver_next(Catcher()) == "pending"
    message = session.scalars(select(OutboxMessage)).one()
    session.refresh(message)
    assert "attachment old.pdf is missing" in message.last_error and message.status == "pending"


def test_the_reply_address_is_a_plus_address_only_when_set(app, monkeypatch):
    with app.app_context():
        monkeypatch.setitem(app.config, "MAIL_REPLY_TO", "invest@centre.example")
        assert reply_address("IP-26-7K3QXM") == "invest+IP-26-7K3QXM@centre.example"
        monkeypatch.setitem(app.config, "MAIL_REPLY_TO", "")
        assert reply_address("IP-26-7K3QXM") == ""


def test_bad_input_keeps_what_was_typed_and_sends_nothing(staff_client, session):
    lead = factories.lead("Hanbit Chips")
    session.commit()
    response = post(staff_client, f"/staff/leads/{lead.reference}/write", subject="",
                    body="A long answer I do not want to type again.")
    assert response.status_code == 400
    assert "A long answer I do not want to type again." in response.text
    assert "Please fill in this field." in response.text or 'aria-invalid="true"' in response.text
    assert session.scalars(select(OutboxMessage)).all() == []


def test_sending_needs_the_csrf_token(staff_client, session):
    lead = factories.lead("Hanbit Chips")
    session.commit()
    response = staff_client.post(f"/staff/leads/{lead.reference}/write", data={"subject": "Hi", "body": "Hello"})
    assert response.status_code == 400
    assert session.scalars(select(OutboxMessage)).all() == [] and lead.first_responded_at is None


def test_an_officer_writes_only_on_leads_they_may_work_on(app, session):
    officer, colleague = factories.user(), factories.user()
    theirs, free = factories.lead("Colleague's lead", owner=colleague), factories.lead("Free lead")
    session.commit()
    client = app.test_client()
    log_in(client, officer)
    assert client.get(f"/staff/leads/{theirs.reference}/write").status_code == 403
    assert post(client, f"/staff/leads/{theirs.reference}/write", subject="Hi", body="Hello").status_code == 403
    assert client.get(f"/staff/leads/{free.reference}/write").status_code == 200
    assert "Write to the investor" not in client.get(f"/staff/leads/{theirs.reference}").text
    assert session.scalars(select(OutboxMessage)).all() == []


def test_an_unknown_placeholder_is_refused_on_save_and_the_text_kept(admin_client, session, templates):
    row = session.scalars(select(ReplyTemplate).where(ReplyTemplate.purpose == "first_answer",
                                                      ReplyTemplate.lang == "ko")).one()
    before = row.body
    response = post(admin_client, "/staff/templates/first_answer/ko", subject="문의 {reference}",
                    body="{investor_nmae} 님께, 연락드립니다.")
    assert response.status_code == 400
    page = text_of(response)
    assert "Unknown placeholder: {investor_nmae}." in page and "{investor_name}" in page
    assert "{investor_nmae} 님께, 연락드립니다." in page
    session.expire_all()
    assert row.body == before

    response = post(admin_client, "/staff/templates/first_answer/ko", subject="문의 {reference}",
                    body="{investor_name} 님께, 연락드립니다.")
    assert response.status_code == 302
    session.expire_all()
    assert row.body == "{investor_name} 님께, 연락드립니다."
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "reply_template")).one()
    assert entry.action == "update" and entry.entity_id == row.id


def test_emptying_a_language_makes_it_missing_on_the_list(admin_client, session, templates):
    response = post(admin_client, "/staff/templates/after_visit/vi", subject="", body="")
    assert response.status_code == 302
    assert session.scalars(select(ReplyTemplate).where(ReplyTemplate.purpose == "after_visit",
                                                       ReplyTemplate.lang == "vi")).first() is None
    page = admin_client.get("/staff/templates").text
    assert "Missing" in page and 'href="/staff/templates" aria-current="page"' in page
    response = post(admin_client, "/staff/templates/after_visit/vi", subject="Chỉ có tiêu đề", body="")
    assert response.status_code == 400 and "Chỉ có tiêu đề" in text_of(response)


def test_the_korean_back_office_writes_to_a_korean_investor(app, session, templates):
    officer = factories.user(language="ko", name="박지훈")
    lead = factories.lead("Hanbit Chips", name="Kim Min-jun", preferred_language="ko")
    session.commit()
    client = app.test_client()
    log_in(client, officer)
    assert "투자자에게 메일 쓰기" in client.get(f"/staff/leads/{lead.reference}").text
    page = text_of(client.get(f"/staff/leads/{lead.reference}/write?template=first_answer"))
    assert "한국어 템플릿으로 시작하기" in page and "이 템플릿 사용" in page
    assert "Kim Min-jun 님께" in page and "박지훈" in page
    response = post(client, f"/staff/leads/{lead.reference}/write", subject="", body="본문은 그대로 남아요")
    assert response.status_code == 400 and "본문은 그대로 남아요" in response.text


def test_the_write_page_runs_as_many_queries_for_many_brochures_as_for_one(staff_client, session, count_queries,
                                                                           templates):
    lead = factories.lead("Hanbit Chips")
    session.commit()
    counts = []
    for number in range(1, 9):
        project = factories.project(f"chip-{number}", texts={"en": f"Plant {number}", "ko": f"공장 {number}"})
        park = factories.park(f"park-{number}")
        session.flush()
        brochure(session, name=f"p{number}.pdf", stored=f"p{number}.pdf", project_id=project.id)
        brochure(session, name=f"k{number}.pdf", stored=f"k{number}.pdf", park_id=park.id)
        session.commit()
        if number in (1, 8):
            with count_queries() as counter:
                page = staff_client.get(f"/staff/leads/{lead.reference}/write?template=first_answer")
            assert page.status_code == 200 and f"Plant {number} · p{number}.pdf" in text_of(page)
            counts.append(counter.count)
    assert counts[0] == counts[1]
