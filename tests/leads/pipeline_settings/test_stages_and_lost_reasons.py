"""Administrators manage the pipeline's stages and the reasons for lost leads."""
from sqlalchemy import select

from portal.leads.models import Stage
from tests import factories
from tests.staff import post


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
