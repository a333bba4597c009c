"""What a Korean, Japanese or Vietnamese reader sees on the public forms and in the acknowledgement:
one banner, short grouped lists on the visit form, the project named, the centre reachable."""
import dataclasses
import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.outbox.models import OutboxMessage
from tests import factories
from tests.forms import inquiry, submit
from tests.mails import as_sent


def acknowledgement(session) -> OutboxMessage:
    messages = as_sent(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    return next(message for message in messages if message.kind == "acknowledgement")


def test_a_form_sent_too_fast_with_mistakes_shows_one_banner_about_the_fields(client, session, catalogue, app,
                                                                          monkeypatch):
    monkeypatch.setitem(app.config, "FORM_MIN_FILL_SECONDS", 60)
    response = submit(client, "/en/inquire", inquiry(email="not-an-address"))
    assert response.status_code == 400
    assert response.text.count('class="alert alert-error"') == 1
    assert "Please correct the fields marked below" in response.text
    assert "That was quicker than we expected." not in response.text
    assert re.search(r'class="field [^"]*field-invalid"', response.text)  # the e-mail field is marked


@pytest.fixture
def visit_catalogue(session):
    bau_bang = factories.location("bau_bang", en="Bau Bang", ko="바우방")
    ben_cat = factories.location("ben_cat", en="Ben Cat", ko="벤깟")
    logistics = factories.sector("logistics", en="Logistics", ko="물류")
    vsip = factories.park("vsip-3", where=bau_bang, texts={"en": "VSIP III", "ko": "VSIP III 산업단지"})
    factories.park("bau-bang", where=bau_bang, texts={"en": "Bau Bang", "ko": "바우방 산업단지"})
    factories.park("my-phuoc-3", where=ben_cat, texts={"en": "My Phuoc 3", "ko": "미푸억 3 산업단지"})
    factories.project("chip-fab", in_park=vsip, texts={"en": "Chip packaging plant", "ko": "반도체 패키징 공장"})
    factories.project("icd", of=logistics, texts={"en": "Inland container depot", "ko": "내륙 컨테이너 기지"})
    session.commit()


def groups(html: str) -> dict[str, list[str]]:
    """Each inner fieldset's legend and the labels of its checkboxes."""
    found = {}
    for legend, body in re.findall(r'<fieldset class="choice-group">\s*<legend>(.*?)</legend>(.*?)</fieldset>', html,
                                   re.S):
        found[legend] = re.findall(r"<label for=\"[^\"]+\">(.*?)</label>", body)
    return found


def test_the_visit_form_groups_parks_by_location_and_projects_by_park_or_sector(client, visit_catalogue):
    html = client.get("/ko/visit").text
    assert groups(html) == {
        "바우방": ["VSIP III 산업단지", "바우방 산업단지"],
        "벤깟": ["미푸억 3 산업단지"],
        "VSIP III 산업단지": ["반도체 패키징 공장"],
        "물류, 산업단지 외": ["내륙 컨테이너 기지"],
    }
    # Without JavaScript the filter box stays hidden and every choice is there to tick.
    assert re.search(r'<p class="choice-filter" hidden>', html)
    assert len(re.findall(r'name="(?:parks|projects)"', html)) == 5


def test_a_park_ticked_in_a_group_is_sent(client, session, visit_catalogue):
    from tests.forms import visit
    response = submit(client, "/en/visit", visit(parks=["my-phuoc-3"], projects=["icd"]))
    assert response.status_code == 302


@pytest.fixture
def two_projects(session):
    park = factories.park("vsip-3", texts={"en": "VSIP III", "ja": "VSIP III 工業団地"})
    factories.sector("semiconductors", en="Semiconductors")
    factories.project("chip-fab", in_park=park, texts={"en": "Chip packaging plant", "ja": "半導体パッケージング工場"})
    factories.project("icd", texts={"en": "Inland container depot", "ja": "内陸コンテナデポ"})
    session.commit()


def test_the_acknowledgement_names_what_was_asked_in_japanese_punctuation(client, session, two_projects):
    submit(client, "/ja/inquire?project=chip-fab&park=vsip-3", inquiry())
    body = acknowledgement(session).body
    opening = body.split("\n\n")[1]
    assert "半導体パッケージング工場、VSIP III 工業団地" in opening
    assert ", " not in opening


def test_the_acknowledgement_gives_the_centres_e_mail_and_phone(app, client, session, catalogue, monkeypatch):
    profile = app.extensions["region"]
    monkeypatch.setitem(app.extensions, "region",
                        dataclasses.replace(profile, email="ipc@centre.example", phone="+84 274 3822 000"))
    submit(client, "/ko/inquire?project=chip-fab", inquiry())
    body = acknowledgement(session).body
    assert "ipc@centre.example" in body and "+84 274 3822 000" in body
    assert "Chip packaging plant" in body.split("\n\n")[1]  # the project, in the opening sentence


def test_without_the_centres_contacts_no_empty_line_is_left(app, client, session, catalogue, monkeypatch):
    profile = app.extensions["region"]
    monkeypatch.setitem(app.extensions, "region", dataclasses.replace(profile, email="", phone=""))
    submit(client, "/en/inquire", inquiry())
    body = acknowledgement(session).body
    address = profile.centre_address("en")
    assert f"{address}\nhttp://localhost/en/" in body


def test_japanese_park_facts_use_japanese_punctuation(client, session):
    chips = factories.sector("semiconductors", en="Semiconductors", ja="半導体")
    logistics = factories.sector("logistics", en="Logistics", ja="物流")
    park = factories.park("vsip-3", sectors=[chips, logistics], texts={"en": "VSIP III", "ja": "VSIP III 工業団地"},
                          seaport_distance_km=Decimal("45"), seaport_max_vessel_dwt=160000)
    park.texts["ja"].nearest_seaport = "カイメップ港"
    park.texts["en"].nearest_seaport = "Cai Mep port"
    session.commit()
    japanese = client.get("/ja/parks/vsip-3").text
    assert "半導体、物流" in japanese
    assert re.search(r"45[^<]*km（カイメップ港、[^<]*160,000[^<]*）", japanese)
    english = client.get("/en/parks/vsip-3").text
    assert "Semiconductors and Logistics" in english
    assert re.search(r"45[^<]*km \(Cai Mep port, ships up to 160,000 DWT\)", english)
