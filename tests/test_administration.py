"""Administrators manage the team and the pipeline's stages; new leads find their officer."""
import re

from sqlalchemy import select

from portal.audit import AuditEntry
from portal.auth.models import User
from portal.leads.models import Lead, Stage
from portal.outbox.models import OutboxMessage
from tests import factories
from tests.forms import inquiry, submit
from tests.staff import log_in, post


USER = {"name": "Đỗ Minh Châu", "email": "Chau@Centre.example", "role": "officer", "language": "ko", "active": "y",
        "auto_assign": "y", "languages": ["ko", "en"], "countries": "kr, jp", "capacity": "30"}


def test_admin_invites_a_colleague_who_chooses_a_password(app, admin_client, session):
    assert post(admin_client, "/staff/users/new", **USER).status_code == 302
    user = session.scalars(select(User).where(User.email == "chau@centre.example")).one()
    assert (user.role, user.language, user.languages, user.countries, user.capacity) == ("officer", "ko", "ko,en",
                                                                                        "KR,JP", 30)
    invitation = session.scalars(select(OutboxMessage)).one()
    assert invitation.recipient == "chau@centre.example" and invitation.language == "ko"
    link = re.search(r"http://localhost(/staff/set-password/\S+)", invitation.body).group(1)
    newcomer = app.test_client()
    page = newcomer.get(link)
    assert page.status_code == 200
    from tests.forms import hidden_fields

    done = newcomer.post(link, data={**hidden_fields(page.text), "new": "my own secret 42", "confirm": "my own secret 42"})
    assert done.headers["Location"] == "/staff/login"
    assert newcomer.get(link).status_code == 404  # the link works once
    assert log_in(newcomer, user, password="my own secret 42").status_code == 302
    assert session.scalars(select(AuditEntry).where(AuditEntry.entity == "user", AuditEntry.action == "invite")).one()


def test_admin_changes_a_role_and_deactivation_logs_out(app, admin_client, session):
    officer = factories.user(name="Võ Quốc Bảo")
    session.commit()
    officer_client = app.test_client()
    log_in(officer_client, officer)
    data = dict(USER, email=officer.email, name=officer.name, role="manager", active="")
    data.pop("active")
    assert post(admin_client, f"/staff/users/{officer.id}", **data).status_code == 302
    session.expire_all()
    assert officer.role == "manager" and not officer.active
    assert officer_client.get("/staff/").status_code == 302
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "update")).one()
    assert entry.changes["role"] == ["officer", "manager"] and entry.changes["active"] == [True, False]


def test_user_form_rules(admin_client, session, admin):
    taken = post(admin_client, "/staff/users/new", **dict(USER, email=admin.email))
    assert taken.status_code == 400 and "Another staff account uses this e-mail." in taken.text
    codes = post(admin_client, "/staff/users/new", **dict(USER, countries="Korea"))
    assert "Use two-letter country codes separated by commas." in codes.text
    self_demotion = post(admin_client, f"/staff/users/{admin.id}", **dict(USER, email=admin.email, role="officer"))
    assert self_demotion.status_code == 302
    session.expire_all()
    assert admin.role == "admin"


def test_only_admins_manage_users_and_stages(app, session):
    manager = factories.user(role="manager")
    session.commit()
    client = app.test_client()
    log_in(client, manager)
    for url in ("/staff/users", "/staff/users/new", "/staff/stages", "/staff/stages/new"):
        assert client.get(url).status_code == 403, url


def test_admin_adds_renames_and_deletes_a_stage_in_four_languages(admin_client, session):
    data = {"code": "due_diligence", "name_vi": "Thẩm định", "name_en": "Due diligence", "name_ko": "실사",
            "name_ja": "デューデリジェンス", "position": "45", "probability": "50", "required_facts": ["sector"]}
    assert post(admin_client, "/staff/stages/new", **data).status_code == 302
    stage = session.scalars(select(Stage).where(Stage.code == "due_diligence")).one()
    assert stage.facts_required == ["sector"] and stage.name("ko") == "실사"
    assert "Due diligence" in admin_client.get("/staff/leads/board").text
    post(admin_client, f"/staff/stages/{stage.id}", **dict(data, name_en="Investor due diligence"))
    session.expire_all()
    assert stage.name_en == "Investor due diligence" and stage.code == "due_diligence"
    assert post(admin_client, f"/staff/stages/{stage.id}/delete").status_code == 302
    assert session.scalars(select(Stage).where(Stage.code == "due_diligence")).first() is None


def test_a_stage_in_use_cannot_be_deleted(admin_client, session):
    factories.lead("Hanbit")
    session.commit()
    new = session.scalars(select(Stage).where(Stage.code == "new")).one()
    post(admin_client, f"/staff/stages/{new.id}/delete")
    assert "cannot be deleted" in admin_client.get("/staff/stages").text
    assert session.get(Stage, new.id) is not None


def test_a_stage_cannot_be_won_and_lost(admin_client, session):
    response = post(admin_client, "/staff/stages/new", code="odd", name_vi="a", name_en="a", name_ko="a", name_ja="a",
                    position="1", probability="1", is_won="y", is_lost="y")
    assert response.status_code == 400 and "A stage cannot be both won and lost." in response.text


def test_new_leads_go_round_robin_to_officers_of_their_language_and_country(client, session, catalogue):
    korean_1 = factories.user(name="Korean desk 1", language="ko")
    korean_2 = factories.user(name="Korean desk 2", language="ko")
    japanese = factories.user(name="Japan desk", language="ja")
    full = factories.user(name="Full desk", language="ko")
    for officer, languages, countries, capacity in ((korean_1, "ko", "KR", 10), (korean_2, "ko,en", "", 10),
                                                    (japanese, "ja", "JP", 10), (full, "ko", "KR", 0)):
        officer.auto_assign, officer.languages, officer.countries, officer.capacity = True, languages, countries, capacity
    session.commit()
    for number in range(3):
        submit(client, "/ko/inquire", inquiry(email=f"kr{number}@example.com"))
    submit(client, "/ja/inquire", inquiry(email="jp@example.com", country="JP"))
    submit(client, "/vi/inquire", inquiry(email="vn@example.com", country="VN"))
    owners = [lead.owner.name if lead.owner else None for lead in session.scalars(select(Lead).order_by(Lead.id))]
    assert owners[:3] == ["Korean desk 1", "Korean desk 2", "Korean desk 1"]
    assert owners[3] == "Japan desk"
    assert owners[4] is None  # nobody works in Vietnamese: the lead waits for a manager
    told = [m.recipient for m in session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "lead_assigned"))]
    assert told == [korean_1.email, korean_2.email, korean_1.email, japanese.email]


def test_admin_manages_the_reasons_for_lost_leads(admin_client, session):
    from portal.leads.models import LostReason

    data = {"code": "war", "name_vi": "Bất ổn địa chính trị", "name_en": "Geopolitical uncertainty",
            "name_ko": "지정학적 불확실성", "name_ja": "地政学的な不確実性", "position": "3", "active": "y"}
    assert post(admin_client, "/staff/lost-reasons/new", **data).status_code == 302
    reason = session.scalars(select(LostReason).where(LostReason.code == "war")).one()
    lead = factories.lead("Hanbit")
    session.commit()
    assert "Geopolitical uncertainty" in admin_client.get(f"/staff/leads/{lead.reference}").text
    post(admin_client, f"/staff/lost-reasons/{reason.id}", **dict(data, active=""))
    session.expire_all()
    assert not reason.active
    assert "Geopolitical uncertainty" not in admin_client.get(f"/staff/leads/{lead.reference}").text
    assert post(admin_client, "/staff/lost-reasons/new", **data).status_code == 400  # the code is taken
