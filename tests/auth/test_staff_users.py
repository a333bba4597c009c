"""Administrators manage the team: invitations, roles, deactivation; only they manage users and stages."""
import re

from sqlalchemy import select

from portal.audit import AuditEntry
from portal.auth.models import User
from portal.outbox.models import OutboxMessage
from tests import factories
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
