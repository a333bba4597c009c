"""``/r/<code>``: a referrer's personal link remembers who sent the visitor."""
from sqlalchemy import select

from portal.leads.models import Lead, Referrer
from tests.forms import inquiry, submit, visit


def referrer(session, code: str, active: bool = True) -> Referrer:
    item = Referrer(code=code, kind="sister_city", name="International Cooperation Division",
                    organisation="Daejeon Metropolitan City", country="KR", email="intl@daejeon.example",
                    preferred_language="ko", active=active)
    session.add(item)
    session.commit()
    return item


def cookie(client):
    return client.get_cookie("referrer")


def test_link_sets_a_90_day_cookie_and_lands_on_home_in_the_visitors_language(client, session):
    referrer(session, "daejeon")
    response = client.get("/r/daejeon", headers={"Accept-Language": "ko-KR"})
    assert response.status_code == 302 and response.headers["Location"] == "/ko/"
    stored = cookie(client)
    assert stored.value == "daejeon" and stored.http_only
    header = response.headers["Set-Cookie"]
    assert "Max-Age=7776000" in header and "SameSite=Lax" in header


def test_an_inquiry_after_the_link_is_attributed_to_the_referrer(client, session, catalogue):
    daejeon = referrer(session, "daejeon")
    client.get("/r/daejeon")
    submit(client, "/en/inquire", inquiry())
    submit(client, "/en/visit", visit(email="other@sakura.example"))
    for lead in session.scalars(select(Lead)):
        assert lead.referrer_id == daejeon.id and lead.source == "referral_link"


def test_unknown_and_disabled_codes_are_ignored_quietly(client, session, catalogue):
    referrer(session, "retired", active=False)
    for code in ("nobody", "retired"):
        response = client.get(f"/r/{code}")
        assert response.status_code == 302
        assert cookie(client) is None
    submit(client, "/en/inquire", inquiry())
    lead = session.scalars(select(Lead)).one()
    assert lead.referrer_id is None and lead.source == "website"


def test_the_last_link_wins(client, session, catalogue):
    referrer(session, "daejeon")
    osaka = referrer(session, "osaka-office")
    client.get("/r/daejeon")
    client.get("/r/osaka-office")
    client.get("/r/nobody")  # an unknown code does not erase a known one
    assert cookie(client).value == "osaka-office"
    submit(client, "/en/inquire", inquiry())
    assert session.scalars(select(Lead)).one().referrer_id == osaka.id
