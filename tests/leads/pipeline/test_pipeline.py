"""The pipeline in the back office: list, lead page, timeline, stage rules, owners, tasks, board."""
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.audit import AuditEntry
from portal.clock import VIETNAM
from portal.leads.models import Activity, Lead, LostReason, Stage, StageChange, Task
from portal.leads.rules.deadlines import add_working_hours
from portal.outbox.models import OutboxMessage
from tests import factories
from tests.mails import as_sent
from tests.staff import csrf_token, log_in, post


def stage_id(session, code: str) -> int:
    return session.scalars(select(Stage.id).where(Stage.code == code)).one()


def lead_refs(html: str) -> list[str]:
    return re.findall(r'href="/staff/leads/(IP-[0-9A-Z-]+)"', html)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2026-11-23 09:00", "2026-11-24 09:00"),  # Monday morning: a working day later
        ("2026-11-27 16:00", "2026-11-30 16:00"),  # Friday 16:00: Monday 16:00 (lunch is not work)
        ("2026-11-24 12:30", "2026-11-25 12:00"),  # over lunch: the next day at noon
        ("2026-11-28 10:00", "2026-11-30 17:00"),  # Saturday: all of Monday
        ("2026-11-24 06:30", "2026-11-24 17:00"),  # before office hours: by the end of the day
    ],
)
def test_first_answer_is_due_one_working_day_later_in_vietnam(received, due):
    start = datetime.fromisoformat(received).replace(tzinfo=VIETNAM)
    assert add_working_hours(start, 8).astimezone(VIETNAM) == datetime.fromisoformat(due).replace(tzinfo=VIETNAM)


def test_a_submitted_inquiry_enters_the_pipeline_with_its_deadline(client, session, catalogue):
    from tests.forms import inquiry, submit

    submit(client, "/en/inquire", inquiry())
    lead = session.scalars(select(Lead)).one()
    assert lead.stage.code == "new" and lead.probability == 5 and lead.first_response_due is not None
    assert session.scalars(select(StageChange)).one().to_stage_id == lead.stage_id


def test_list_filters(staff_client, session, manager):
    semis = factories.sector("semiconductors")
    old = clock.now() - timedelta(days=10)
    factories.lead("Hanbit Chips", country="KR", sectors=[semis], received=old)
    factories.lead("Sakura Precision", country="JP", owner=manager, preferred_language="ja", kind="site_visit")
    factories.lead("Lion Logistics", country="SG", stage="qualified", source="referral_link",
                   message="Cold chain warehouse near the port")
    factories.lead("Closed Deal", stage="registered")
    session.commit()

    def companies(query: str) -> set[str]:
        html = staff_client.get(f"/staff/leads?{query}").text
        return set(re.findall(r'<a href="/staff/leads/IP-[^"]+">([^<]+)</a>', html))

    assert companies("") == {"Hanbit Chips", "Sakura Precision", "Lion Logistics"}
    assert companies("status=all") == {"Hanbit Chips", "Sakura Precision", "Lion Logistics", "Closed Deal"}
    assert companies("status=won") == {"Closed Deal"}
    assert companies(f"stage={stage_id(session, 'qualified')}") == {"Lion Logistics"}
    assert companies("owner=none") == {"Hanbit Chips", "Lion Logistics"}
    assert companies(f"owner={manager.id}") == {"Sakura Precision"}
    assert companies("kind=site_visit") == {"Sakura Precision"}
    assert companies("source=referral_link") == {"Lion Logistics"}
    assert companies("country=JP") == {"Sakura Precision"}
    assert companies("sector=semiconductors") == {"Hanbit Chips"}
    assert companies("language=ja") == {"Sakura Precision"}
    assert companies("q=cold+chain") == {"Lion Logistics"}
    assert companies("q=SAKURA") == {"Sakura Precision"}
    assert companies("overdue=y") == {"Hanbit Chips"}
    today = clock.today_in_vietnam()
    assert companies(f"created_from={today.isoformat()}") == {"Sakura Precision", "Lion Logistics"}
    assert companies(f"created_to={(today - timedelta(days=5)).isoformat()}") == {"Hanbit Chips"}


def test_list_is_paginated_and_sorted(staff_client, session):
    for number in range(30):
        factories.lead(f"Company {number:02}", estimated_investment_usd=number * 1_000_000)
    session.commit()
    first = staff_client.get("/staff/leads?sort=investment").text
    assert "30 leads" in first
    assert len(lead_refs(first)) == 25
    assert first.index("Company 29") < first.index("Company 28")
    second = staff_client.get("/staff/leads?sort=investment&page=2").text
    assert "Company 00" in second and "Company 29" not in second


def test_lead_page_shows_everything_and_the_timeline(staff_client, session, manager):
    lead = factories.lead("Hanbit Chips", message="We need 15 ha <b>soon</b>.")
    lead.activities.append(Activity(kind="message", submission_kind="site_visit", body="May we visit in March?",
                                    created_at=clock.now()))
    session.commit()
    html = staff_client.get(f"/staff/leads/{lead.reference}").text
    assert "Hanbit Chips" in html and lead.email in html
    assert "We need 15 ha &lt;b&gt;soon&lt;/b&gt;." in html
    assert "May we visit in March?" in html
    assert "Answer overdue" not in html


def test_logging_a_call_stops_the_first_response_clock(staff_client, session, manager):
    lead = factories.lead("Hanbit Chips", received=clock.now() - timedelta(days=5))
    session.commit()
    assert "Answer overdue" in staff_client.get(f"/staff/leads/{lead.reference}").text
    post(staff_client, f"/staff/leads/{lead.reference}/activities", kind="note", body="Internal note first.")
    session.expire_all()
    assert lead.first_responded_at is None  # a note is not an answer
    response = post(staff_client, f"/staff/leads/{lead.reference}/activities", kind="call",
                    body="Called Mr Kim, sent the price list.")
    assert response.status_code == 302
    session.expire_all()
    assert lead.first_responded_at is not None
    html = staff_client.get(f"/staff/leads/{lead.reference}").text
    assert "Answer overdue" not in html
    assert "Called Mr Kim, sent the price list." in html and "Trần Văn Minh" in html


def test_empty_note_is_refused_beside_the_field(staff_client, session):
    lead = factories.lead()
    session.commit()
    response = post(staff_client, f"/staff/leads/{lead.reference}/activities", kind="note", body="")
    assert response.status_code == 400 and 'id="body-error"' in response.text


def test_qualified_needs_a_sector_and_the_estimated_investment(staff_client, session):
    lead = factories.lead("Hanbit Chips")
    session.commit()
    response = post(staff_client, f"/staff/leads/{lead.reference}/stage", stage=str(stage_id(session, "qualified")))
    assert response.status_code == 409
    assert "a sector of interest and the estimated investment" in response.text
    session.expire_all()
    assert lead.stage.code == "new"
    lead.sectors = [factories.sector("semiconductors")]
    lead.estimated_investment_usd = 50_000_000
    session.commit()
    response = post(staff_client, f"/staff/leads/{lead.reference}/stage", stage=str(stage_id(session, "qualified")))
    assert response.status_code == 302
    session.expire_all()
    assert lead.stage.code == "qualified" and lead.probability == 25
    history = session.scalars(select(StageChange).order_by(StageChange.id)).all()
    assert [change.to_stage_id for change in history][-1] == stage_id(session, "qualified")
    audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "move_to_stage")).one()
    assert audit.changes["stage"] == ["new", "qualified"]


def test_lost_needs_a_reason_and_keeps_the_last_open_stage(staff_client, session):
    lead = factories.lead("Hanbit Chips", stage="contacted")
    session.commit()
    lost = str(stage_id(session, "lost"))
    refused = post(staff_client, f"/staff/leads/{lead.reference}/stage", stage=lost)
    assert refused.status_code == 409 and "the reason the lead was lost" in refused.text
    reason = session.scalars(select(LostReason).where(LostReason.code == "other_location")).one()
    moved = post(staff_client, f"/staff/leads/{lead.reference}/stage", stage=lost, lost_reason=str(reason.id),
                 lost_comment="Chose a park in Bac Ninh")
    assert moved.status_code == 302
    session.expire_all()
    assert lead.status == "lost" and lead.lost_reason_id == reason.id and lead.last_open_stage.code == "contacted"
    assert lead.lost_comment == "Chose a park in Bac Ninh"


def test_registered_needs_capital_jobs_and_the_certificate_date(staff_client, session):
    lead = factories.lead("Hanbit Chips", stage="negotiation")
    session.commit()
    registered = str(stage_id(session, "registered"))
    refused = post(staff_client, f"/staff/leads/{lead.reference}/stage", stage=registered, expected_jobs="300")
    assert refused.status_code == 409
    session.expire_all()
    assert lead.expected_jobs is None  # nothing half-saved
    moved = post(staff_client, f"/staff/leads/{lead.reference}/stage", stage=registered, registered_capital="85.5",
                 expected_jobs="300", certificate_date="2026-11-20")
    assert moved.status_code == 302
    session.expire_all()
    assert lead.status == "won" and lead.registered_capital_usd == 85_500_000 and lead.expected_jobs == 300
    assert lead.probability == 100


def test_assigning_tells_the_new_owner_in_their_language(staff_client, session, manager):
    officer = factories.user(name="Phạm Thu Hà", language="ja")
    lead = factories.lead("Sakura Precision")
    session.commit()
    post(staff_client, f"/staff/leads/{lead.reference}/assign", owner=str(officer.id))
    session.expire_all()
    assert lead.owner_id == officer.id
    [mail] = as_sent(session.scalars(select(OutboxMessage)))
    assert mail.recipient == officer.email and mail.language == "ja" and lead.reference in mail.subject
    assert f"/staff/leads/{lead.reference}" in mail.body
    assert any(activity.kind == "assignment" for activity in lead.activities)


def test_tasks_show_on_the_assignees_today_page_until_done(app, staff_client, session, manager):
    officer = factories.user(name="Lê Hoàng Anh")
    lead = factories.lead("Hanbit Chips")
    session.commit()
    today = clock.today_in_vietnam()
    post(staff_client, f"/staff/leads/{lead.reference}/tasks", title="Send the land price list",
         due_date=today.isoformat(), assignee=str(officer.id))
    post(staff_client, f"/staff/leads/{lead.reference}/tasks", title="Prepare the visit",
         due_date=(today + timedelta(days=7)).isoformat(), assignee=str(officer.id))
    officer_client = app.test_client()
    log_in(officer_client, officer)
    home = officer_client.get("/staff/").text
    assert "Send the land price list" in home and "Prepare the visit" not in home
    task = session.scalars(select(Task).where(Task.title == "Send the land price list")).one()
    post(officer_client, f"/staff/tasks/{task.id}/done", back="/staff/")
    assert "Send the land price list" not in officer_client.get("/staff/").text


def test_board_columns_count_and_sum_the_open_stages(staff_client, session):
    factories.lead("A", estimated_investment_usd=10_000_000)
    factories.lead("B", estimated_investment_usd=30_000_000)
    factories.lead("C", stage="contacted", estimated_investment_usd=5_000_000)
    factories.lead("Won", stage="registered", estimated_investment_usd=99_000_000)
    session.commit()
    html = staff_client.get("/staff/leads/board").text.replace("\xa0", " ")
    columns = re.findall(r'<h2 id="column-\d+">([^<]+)</h2>\s*<p class="board-column-totals"><span class="board-count">'
                         r'([^<]+)</span>\s*· <span>([^<]+)</span>', html)
    assert columns[:2] == [("New", "2 leads", "US$40M"), ("Contacted", "1 lead", "US$5M")]
    assert [name for name, *_ in columns] == ["New", "Contacted", "Qualified", "Site visit", "Negotiation"]
    assert "Won" not in html


def test_board_moves_a_card_by_json_and_explains_a_refusal(staff_client, session):
    lead = factories.lead("Hanbit Chips")
    session.commit()
    token = csrf_token(staff_client, "/staff/leads/board")
    headers = {"Accept": "application/json", "X-CSRFToken": token}
    moved = staff_client.post(f"/staff/leads/{lead.reference}/stage", headers=headers,
                              data={"stage": str(stage_id(session, "contacted"))})
    assert moved.status_code == 200 and moved.json["ok"] is True
    refused = staff_client.post(f"/staff/leads/{lead.reference}/stage", headers=headers,
                                data={"stage": str(stage_id(session, "qualified"))})
    assert refused.status_code == 409 and refused.json["ok"] is False
    assert "estimated investment" in refused.json["message"]
    session.expire_all()
    assert lead.stage.code == "contacted"


def test_board_card_selector_works_without_javascript(staff_client, session):
    lead = factories.lead("Hanbit Chips")
    session.commit()
    response = post(staff_client, f"/staff/leads/{lead.reference}/stage", stage=str(stage_id(session, "contacted")),
                    back="/staff/leads/board")
    assert response.headers["Location"] == "/staff/leads/board"


def test_list_and_board_run_a_fixed_number_of_queries(staff_client, session, count_queries, manager):
    semis = factories.sector("semiconductors")

    def add(count: int):
        for number in range(count):
            factories.lead(f"Firm {number}", owner=manager if number % 2 else None, sectors=[semis],
                           stage=("new", "contacted", "qualified")[number % 3], estimated_investment_usd=number)
        session.commit()

    def measure() -> dict[str, int]:
        counts = {}
        for url in ("/staff/leads", "/staff/leads?owner=none&sort=due", "/staff/leads/board"):
            with count_queries() as counter:
                assert staff_client.get(url).status_code == 200
            counts[url] = counter.count
        return counts

    add(10)
    with_10 = measure()
    add(490)
    assert measure() == with_10


def test_the_facts_a_stage_needs_can_be_given_with_the_move(staff_client, session):
    factories.sector("semiconductors")
    lead = factories.lead("Hanbit Chips")
    session.commit()
    response = post(staff_client, f"/staff/leads/{lead.reference}/stage", stage=str(stage_id(session, "qualified")),
                    sectors=["semiconductors"], estimated_investment="45")
    assert response.status_code == 302
    session.expire_all()
    assert lead.stage.code == "qualified" and lead.estimated_investment_usd == 45_000_000
    assert [sector.code for sector in lead.sectors] == ["semiconductors"]
    assert lead.priority_score > 0


def test_managers_see_the_pipeline_at_a_glance(app, staff_client, session, count_queries):
    from portal.leads.reports.dashboard import pipeline_at_a_glance

    factories.lead("A", estimated_investment_usd=10_000_000)                      # new, 5 %
    factories.lead("B", stage="qualified", estimated_investment_usd=40_000_000)   # 25 %
    factories.lead("C", stage="qualified", estimated_investment_usd=None)
    factories.lead("Old", received=clock.now() - timedelta(days=60))            # overdue, not this month
    factories.lead("Won", stage="registered", estimated_investment_usd=99_000_000)
    session.commit()
    glance = pipeline_at_a_glance()
    lines = {line.stage.code: line for line in glance.stages}
    assert (lines["new"].leads, lines["new"].estimated_usd, lines["new"].weighted_usd) == (2, 10_000_000, 500_000)
    assert (lines["qualified"].leads, lines["qualified"].weighted_usd) == (2, 10_000_000)
    assert glance.open_leads == 4 and glance.weighted_usd == 10_500_000
    assert glance.new_this_month == 4 and glance.overdue == 1
    html = staff_client.get("/staff/").text.replace("\xa0", " ")
    assert "The pipeline at a glance" in html and "US$10.5M" in html
    with count_queries() as counter:
        pipeline_at_a_glance()
    assert counter.count == 3


def test_officers_do_not_see_the_managers_dashboard(app, session):
    officer = factories.user()
    session.commit()
    client = app.test_client()
    log_in(client, officer)
    assert "The pipeline at a glance" not in client.get("/staff/").text


def test_received_dates_are_vietnam_days_on_every_database(staff_client, session):
    from datetime import datetime, timezone

    # 20:30 UTC on 10 March is 03:30 on 11 March in Vietnam
    factories.lead("Early Bird", received=datetime(2026, 3, 10, 20, 30, tzinfo=timezone.utc))
    factories.lead("Late Owl", received=datetime(2026, 3, 10, 16, 30, tzinfo=timezone.utc))  # 23:30 on 10 March
    session.commit()
    on_the_11th = staff_client.get("/staff/leads?created_from=2026-03-11&created_to=2026-03-11").text
    on_the_10th = staff_client.get("/staff/leads?created_from=2026-03-10&created_to=2026-03-10").text
    assert "Early Bird" in on_the_11th and "Late Owl" not in on_the_11th
    assert "Late Owl" in on_the_10th and "Early Bird" not in on_the_10th


def test_staff_complete_a_leads_details_and_the_priority_follows(staff_client, session, manager):
    factories.sector("semiconductors", en="Semiconductors")  # factories make priority sectors
    lead = factories.lead("Hanbit", email="kim@hanbit.example", country="KR")
    session.commit()
    assert 'href="/staff/leads/{}/edit"'.format(lead.reference) in staff_client.get(f"/staff/leads/{lead.reference}").text
    form = {"name": "Kim Min-jun", "company": "Hanbit Electronics Co., Ltd.", "job_title": "Director",
            "email": "MJ.Kim@hanbit.example", "phone": "+82 2 555 0100", "country": "KR",
            "preferred_language": "ko", "sectors": ["semiconductors"], "estimated_investment": "120",
            "land_need_ha": "12", "timeline": ""}
    bad = post(staff_client, f"/staff/leads/{lead.reference}/edit", **{**form, "email": "kim@"})
    assert bad.status_code == 400 and "valid e-mail address" in bad.text and 'value="Hanbit Electronics Co., Ltd."' in bad.text
    assert post(staff_client, f"/staff/leads/{lead.reference}/edit", **form).status_code == 302
    session.expire_all()
    assert (lead.company, lead.email_normalized, lead.estimated_investment_usd) == (
        "Hanbit Electronics Co., Ltd.", "mj.kim@hanbit.example", 120_000_000)
    assert [s.code for s in lead.sectors] == ["semiconductors"] and lead.phone_digits.endswith("25550100")
    assert lead.priority_score >= 30 + 30 + 10
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "lead", AuditEntry.action == "update")).one()
    assert entry.user_id == manager.id and entry.changes["company"] == ["Hanbit", "Hanbit Electronics Co., Ltd."]
    assert entry.changes["sectors"] == [[], ["semiconductors"]]


def test_officers_edit_only_the_leads_they_may_work_on(app, session):
    from tests.conftest import logged_in_client

    owner, other = factories.user(role="officer"), factories.user(role="officer")
    lead = factories.lead("Owned Co", owner=owner)
    session.commit()
    assert logged_in_client(app, other).get(f"/staff/leads/{lead.reference}/edit").status_code == 403
    assert logged_in_client(app, owner).get(f"/staff/leads/{lead.reference}/edit").status_code == 200


def test_the_list_shows_each_leads_next_step_and_finds_those_without_one(staff_client, session, manager):
    today = clock.today_in_vietnam()
    late, planned, idle = (factories.lead(name) for name in ("Late Co", "Planned Co", "Idle Co"))
    late.tasks.append(Task(title="Call back", due_date=today - timedelta(days=2), assignee_id=manager.id))
    planned.tasks.append(Task(title="Send the park brochure", due_date=today + timedelta(days=3),
                              assignee_id=manager.id))
    planned.tasks.append(Task(title="Done already", due_date=today - timedelta(days=9), assignee_id=manager.id,
                              done_at=clock.now()))
    session.commit()

    def companies(query: str) -> list[str]:
        return re.findall(r'<a href="/staff/leads/IP-[^"]+">([^<]+)</a>', staff_client.get(f"/staff/leads?{query}").text)

    assert companies("sort=next_step") == ["Late Co", "Planned Co", "Idle Co"]
    assert companies("no_next_step=y") == ["Idle Co"]
    page = staff_client.get("/staff/leads?sort=next_step").text
    assert f'datetime="{(today + timedelta(days=3)).isoformat()}"' in page
    assert page.count("badge-overdue\">Late") == 1 and "None planned" in page


def test_staff_tag_leads_one_by_one_or_in_bulk_and_filter_by_tag(staff_client, session, manager):
    from portal.leads.models import Tag

    first, second, other = factories.lead("First Co"), factories.lead("Second Co"), factories.lead("Other Co")
    session.commit()
    post(staff_client, f"/staff/leads/{first.reference}/tags", tags="Korea desk, EV supply chain，korea DESK")
    session.expire_all()
    assert [tag.name for tag in first.tags] == ["EV supply chain", "Korea desk"]
    too_long = post(staff_client, f"/staff/leads/{first.reference}/tags", tags="x" * 41)
    assert too_long.status_code == 400 and "at most 40 characters" in too_long.text

    post(staff_client, "/staff/leads/bulk", **{"bulk-action": "tag", "bulk-tag": "korea desk",
                                               "lead": [first.reference, second.reference]})
    session.expire_all()
    assert [tag.name for tag in second.tags] == ["Korea desk"]  # the existing tag, whatever the case typed
    assert session.scalar(select(func.count(Tag.id))) == 2
    korea = session.scalars(select(Tag).where(Tag.name == "Korea desk")).one()
    listed = re.findall(r'<a href="/staff/leads/IP-[^"]+">([^<]+)</a>', staff_client.get(f"/staff/leads?tag={korea.id}").text)
    assert sorted(listed) == ["First Co", "Second Co"]
    assert "Korea desk" in staff_client.get(f"/staff/leads/{first.reference}").text
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "tags")).all()
    assert {entry.entity_id for entry in entries} == {first.id, second.id}
    export = staff_client.get(f"/staff/leads/export.csv?tag={korea.id}").text
    assert "EV supply chain, Korea desk" in export and "Other Co" not in export
