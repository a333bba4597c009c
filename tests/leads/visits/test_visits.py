"""Site visits from the lead: the officer proposes, confirms, changes or cancels; the investor gets
the itinerary in their language with a calendar invitation that updates the same entry; confirming
moves the lead to the site-visit stage with its date."""
import html as html_lib
from datetime import date, datetime, timedelta, timezone

import icalendar
import pytest
from sqlalchemy import select

from portal import clock
from portal.audit import AuditEntry
from portal.leads.models import SiteVisit
from portal.outbox.delivery import OutgoingMail, build_email
from portal.outbox.models import OutboxMessage
from tests import factories
from tests.conftest import logged_in_client
from tests.staff import post

PARK_NAMES = {"en": "VSIP III", "vi": "KCN VSIP III", "ko": "VSIP III 산업단지", "ja": "VSIP III 工業団地"}
OTHER_NAMES = {"en": "Bau Bang Industrial Park", "vi": "KCN Bàu Bàng", "ko": "바우방 산업단지",
               "ja": "バウバン工業団地"}


@pytest.fixture(autouse=True)
def reply_address(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_REPLY_TO", "invest@centre.example")


def visit_day() -> date:
    return clock.today_in_vietnam() + timedelta(days=10)


def arrange(session, lang="ko", **fields):
    vsip = factories.park("vsip-3", texts=PARK_NAMES)
    bau_bang = factories.park("bau-bang", texts=OTHER_NAMES)
    lead = factories.lead("Hanbit Chips", name="Kim Min-jun", preferred_language=lang, kind="site_visit",
                          stage="qualified", **fields)
    lead.parks = [vsip]
    session.commit()
    return lead, vsip, bau_bang


def plan(client, lead, vsip, bau_bang, button="confirm", day=None, **changes):
    day = day or visit_day()
    data = {"starts_at": f"{day}T09:00", "ends_at": f"{day}T16:00",
            "stops-0-park": str(vsip.id), "stops-0-arrives": "09:30",
            "stops-1-park": str(bau_bang.id), "stops-1-arrives": "13:30",
            "stops-2-park": "", "stops-2-arrives": "",
            "meeting_point": "Lobby, Becamex Hotel", "guide_language": "ko", "note": "",
            button: "1", **changes}
    return post(client, f"/staff/leads/{lead.reference}/visit", **data)


def invitations(session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "site_visit")
                                .order_by(OutboxMessage.id)))


def event_of(message: OutboxMessage):
    calendar = icalendar.Calendar.from_ical(message.calendar)
    return calendar, calendar.events[0]


def test_the_form_starts_from_what_the_investor_asked_for(staff_client, session):
    lead, vsip, _bau_bang = arrange(session, visit_from=visit_day(), visit_to=visit_day() + timedelta(days=1),
                                    guide_language="ja")
    page = html_lib.unescape(staff_client.get(f"/staff/leads/{lead.reference}/visit").text)
    assert f'value="{visit_day()}T08:30"' in page
    assert f'<option selected value="{vsip.id}">' in page
    assert '<option selected value="ja">' in page


def test_confirming_sends_the_itinerary_with_an_invitation_in_vietnam_time_and_moves_the_lead(
        staff_client, session, manager):
    lead, vsip, bau_bang = arrange(session)
    response = plan(staff_client, lead, vsip, bau_bang)
    assert response.status_code == 302

    session.expire_all()
    assert lead.stage.code == "site_visit" and lead.visit_from == visit_day()
    [message] = invitations(session)
    assert message.recipient == lead.email and message.language == "ko"
    assert message.reply_to == f"invest+{lead.reference}@centre.example"
    calendar, event = event_of(message)
    assert calendar["METHOD"] == "REQUEST" and event["STATUS"] == "CONFIRMED" and event["SEQUENCE"] == 0
    assert event.start == datetime(*visit_day().timetuple()[:3], 9, 0, tzinfo=clock.VIETNAM)
    assert event.start.astimezone(timezone.utc).hour == 2  # 09:00 ICT is 02:00 UTC
    assert event["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Asia/Ho_Chi_Minh"
    assert str(event["ORGANIZER"]) == f"mailto:invest+{lead.reference}@centre.example"
    assert str(event["ATTENDEE"]) == f"mailto:{lead.email}"
    assert "VSIP III 산업단지" in str(event["SUMMARY"]) and "바우방 산업단지" in str(event["SUMMARY"])
    assert "1. 오전 9:30 VSIP III 산업단지\n2. 오후 1:30 바우방 산업단지" in str(event["DESCRIPTION"])
    assert str(event["LOCATION"]) == "Lobby, Becamex Hotel"
    assert "VSIP III 산업단지" in message.body and "오전 9:00" in message.body

    timeline = html_lib.unescape(staff_client.get(f"/staff/leads/{lead.reference}").text)
    assert message.subject in timeline and "invite.ics" in timeline
    assert session.scalars(select(AuditEntry).where(AuditEntry.entity == "site_visit",
                                                    AuditEntry.action == "confirm")).one()
    assert lead.first_responded_at is not None


def test_the_e_mail_carries_the_calendar_as_an_alternative_and_as_invite_ics(app, staff_client, session):
    lead, vsip, bau_bang = arrange(session)
    session.add(OutboxMessage(kind="acknowledgement", recipient=lead.email, subject="Thanks", body="...",
                              language="ko", lead_id=lead.id, message_id="<ack.1@localhost>", status="sent"))
    session.commit()
    plan(staff_client, lead, vsip, bau_bang, button="propose")
    [message] = invitations(session)
    with app.test_request_context():
        email = build_email(OutgoingMail.of(message))
    assert email["Message-ID"] == message.message_id and email["In-Reply-To"] == "<ack.1@localhost>"
    parts = {part.get_content_type(): part for part in email.walk()}
    assert parts["text/calendar"].get_param("method") == "REQUEST"
    assert "BEGIN:VCALENDAR" in parts["text/calendar"].get_content()
    attachment = next(part for part in email.iter_attachments())
    assert attachment.get_filename() == "invite.ics"
    assert icalendar.Calendar.from_ical(attachment.get_content()).events[0]["UID"] == event_of(message)[1]["UID"]
    assert "VSIP III 산업단지" in parts["text/plain"].get_content()


@pytest.mark.parametrize("lang", ["vi", "en", "ko", "ja"])
def test_the_proposal_names_the_parks_and_dates_in_the_investors_language(staff_client, session, lang):
    lead, vsip, bau_bang = arrange(session, lang=lang)
    plan(staff_client, lead, vsip, bau_bang, button="propose")
    session.expire_all()
    [message] = invitations(session)
    greeting = {"vi": "Kính gửi Ông/Bà Kim Min-jun – Hanbit Chips,", "en": "Dear Kim Min-jun,",
                "ko": "Hanbit Chips Kim Min-jun 님께", "ja": "Hanbit Chips\nKim Min-jun 様"}[lang]
    assert message.body.startswith(greeting + "\n")
    assert PARK_NAMES[lang] in message.body and OTHER_NAMES[lang] in message.body
    year = str(visit_day().year)
    assert year in message.subject and lead.reference in message.subject
    _calendar, event = event_of(message)
    assert event["STATUS"] == "TENTATIVE" and PARK_NAMES[lang] in str(event["SUMMARY"])
    assert lead.stage.code == "qualified"  # a proposal does not move the lead


def test_a_change_updates_the_same_calendar_entry_and_a_cancellation_cancels_it(staff_client, session):
    lead, vsip, bau_bang = arrange(session, lang="en")
    plan(staff_client, lead, vsip, bau_bang, button="propose")
    plan(staff_client, lead, vsip, bau_bang, button="confirm", day=visit_day() + timedelta(days=1))
    response = post(staff_client, f"/staff/leads/{lead.reference}/visit/cancel")
    assert response.status_code == 302

    first, second, third = invitations(session)
    events = [event_of(message)[1] for message in (first, second, third)]
    assert len({str(event["UID"]) for event in events}) == 1
    assert [event["SEQUENCE"] for event in events] == [0, 1, 2]
    assert events[1].start.date() == visit_day() + timedelta(days=1)
    assert "This replaces the itinerary we sent you before." in second.body
    assert event_of(third)[0]["METHOD"] == "CANCEL" and events[2]["STATUS"] == "CANCELLED"
    assert "cancelled" in third.subject
    assert second.thread[-1] == first.message_id and third.thread[-1] == second.message_id
    session.expire_all()
    assert session.scalars(select(SiteVisit)).one().status == "cancelled"
    assert lead.visit_from == visit_day() + timedelta(days=1)
    page = staff_client.get(f"/staff/leads/{lead.reference}").text
    assert "Plan a site visit" in page  # a cancelled visit leaves room for a new one


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"ends_at": "{day}T08:00"}, "ends_at", "The end must be after the start."),
    ({"starts_at": "{past}T09:00", "ends_at": "{past}T16:00"}, "starts_at", "The visit cannot start in the past."),
    ({"stops-0-park": "", "stops-1-park": ""}, "stops", "Choose at least one park to visit."),
])
def test_bad_input_gets_a_message_beside_the_field_and_keeps_what_was_typed(staff_client, session, changes,
                                                                             field, message):
    lead, vsip, bau_bang = arrange(session)
    values = {name: value.format(day=visit_day(), past=clock.today_in_vietnam() - timedelta(days=1))
              for name, value in changes.items()}
    response = plan(staff_client, lead, vsip, bau_bang, note="Bring safety shoes", **values)
    assert response.status_code == 400
    page = html_lib.unescape(response.text)
    assert f'id="{field}-error">{message}' in page
    assert "Bring safety shoes" in page and 'value="Lobby, Becamex Hotel"' in page
    assert invitations(session) == []


def test_bad_input_is_answered_in_the_officers_language(app, session):
    officer = factories.user(name="박지훈", language="ko")
    lead, vsip, bau_bang = arrange(session, owner=officer)
    client = logged_in_client(app, officer)
    response = plan(client, lead, vsip, bau_bang, ends_at=f"{visit_day()}T08:00")
    assert response.status_code == 400
    assert "Site visit" not in response.text and "The end must be after the start." not in response.text


def test_the_lead_page_and_the_form_render_in_a_fixed_number_of_statements(staff_client, session, count_queries):
    lead, vsip, bau_bang = arrange(session)
    page, form = f"/staff/leads/{lead.reference}", f"/staff/leads/{lead.reference}/visit"
    plan(staff_client, lead, vsip, bau_bang)
    with count_queries() as few:
        assert "Lobby, Becamex Hotel" in staff_client.get(page).text
    with count_queries() as form_few:
        staff_client.get(form)
    more_parks = [factories.park(texts={"en": f"Park {n}"}) for n in range(4)]
    session.commit()
    plan(staff_client, lead, vsip, bau_bang, **{f"stops-{n + 2}-park": str(park.id) for n, park in enumerate(more_parks)})
    with count_queries() as many:
        assert "Park 3" in staff_client.get(page).text
    with count_queries() as form_many:
        assert "Park 3" in staff_client.get(form).text
    assert (many.count, form_many.count) == (few.count, form_few.count)


def test_erasing_the_investors_data_erases_the_invitation(staff_client, session, manager):
    from portal.leads.personal_data.operations import erase
    from portal.leads.personal_data.records import find

    lead, vsip, bau_bang = arrange(session)
    plan(staff_client, lead, vsip, bau_bang)
    assert "Kim Min-jun" in invitations(session)[0].calendar
    erase(find(lead.email), manager)
    session.commit()
    assert invitations(session)[0].calendar is None


def test_a_merged_duplicates_visit_moves_to_the_surviving_lead(staff_client, session, manager):
    from portal.leads.operations import merge_leads

    duplicate, vsip, bau_bang = arrange(session)
    plan(staff_client, duplicate, vsip, bau_bang, button="propose")
    survivor = factories.lead("Hanbit Chips Co.", name="Kim Min-jun")
    session.commit()
    merge_leads(survivor, duplicate, set(), manager)
    session.commit()
    assert survivor.current_visit is not None and survivor.current_visit.stops[0].park == vsip
    page = html_lib.unescape(staff_client.get(f"/staff/leads/{survivor.reference}").text)
    assert "Lobby, Becamex Hotel" in page and "Change or cancel the visit" in page
