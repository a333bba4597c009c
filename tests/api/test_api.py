"""The catalogue's JSON API: what partners abroad read, checked against its OpenAPI description."""
import json
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from portal.api.views import bp
from tests import factories

SPEC = json.loads((Path(__file__).parents[2] / "portal" / "api" / "openapi.json").read_text(encoding="utf-8"))


def schema_of(name: str) -> Draft202012Validator:
    """A validator for one of the description's schemas, its references resolved within it."""
    registry = Registry().with_resource("urn:spec", DRAFT202012.create_resource(SPEC))
    return Draft202012Validator({"$ref": f"urn:spec#/components/schemas/{name}"}, registry=registry)


def valid(name: str, document) -> None:
    errors = sorted(schema_of(name).iter_errors(document), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


@pytest.fixture
def catalogue(session):
    chips = factories.sector("semiconductors", en="Semiconductors", ko="반도체", vi="Bán dẫn", ja="半導体")
    bau_bang = factories.location("bau_bang", en="Bau Bang", ko="바우방")
    park = factories.park("vsip-3", where=bau_bang, sectors=[chips],
                          texts={"en": "VSIP III", "vi": "KCN VSIP III", "ko": "VSIP III 산업단지"},
                          land_rent_min_usd_m2=Decimal("95.5"))
    factories.project("chip-fab", of=chips, where=bau_bang, in_park=park, featured=True,
                      texts={"en": "Chip packaging plant", "vi": "Nhà máy đóng gói chip", "ko": "반도체 패키징 공장"})
    factories.project("data-centre", of=chips, where=bau_bang, total_investment_usd=40_000_000,
                      texts={"en": "Data centre", "vi": "Trung tâm dữ liệu"})
    hidden = factories.project("draft-plant", of=chips, where=bau_bang, texts={"en": "Draft plant", "vi": "Nháp"})
    hidden.published = False
    session.commit()


def test_the_description_lists_every_route_of_the_api(app):
    routes = {rule.rule.removeprefix(bp.url_prefix).replace("<slug>", "{slug}")
              for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    assert routes == set(SPEC["paths"])
    Draft202012Validator.check_schema({"$defs": SPEC["components"]["schemas"]})


def test_projects_in_korean_with_the_english_fallback_marked(client, catalogue):
    response = client.get("/api/v1/projects?lang=ko&sort=investment_asc")
    assert response.status_code == 200 and response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.get_json()
    valid("ProjectList", body)
    assert [(p["slug"], p["lang"], p["title"]) for p in body["items"]] == [
        ("data-centre", "en", "Data centre"), ("chip-fab", "ko", "반도체 패키징 공장")]
    assert body["items"][1]["sector"] == {"code": "semiconductors", "name": "반도체"}
    assert body["items"][1]["url"].endswith("/ko/projects/chip-fab")
    assert body["items"][1]["park"] == {"slug": "vsip-3", "name": "VSIP III 산업단지"}
    assert body["total"] == 2 and body["next"] is None


def test_filters_and_pages_are_those_of_the_catalogue(client, catalogue):
    body = client.get("/api/v1/projects?min_investment=50&per_page=1").get_json()
    assert [p["slug"] for p in body["items"]] == ["chip-fab"] and body["total"] == 1
    first = client.get("/api/v1/projects?per_page=1&sort=investment_asc").get_json()
    assert first["pages"] == 2 and "page=2" in first["next"] and "sort=investment_asc" in first["next"]
    second = client.get(first["next"].split("localhost", 1)[-1]).get_json()
    assert [p["slug"] for p in second["items"]] == ["chip-fab"]
    assert client.get("/api/v1/projects?q=packaging").get_json()["total"] == 1


def test_a_project_in_full_and_an_unpublished_one_not_at_all(client, catalogue):
    body = client.get("/api/v1/projects/chip-fab?lang=vi").get_json()
    valid("ProjectDetail", body)
    assert body["title"] == "Nhà máy đóng gói chip" and body["languages"] == ["en", "ko", "vi"]
    assert body["description"] and body["photos"] == [] and body["brochures"] == []
    assert body["investment_form"]["code"] == "foreign_100" and body["investment_form"]["label"]
    missing = client.get("/api/v1/projects/draft-plant")
    assert missing.status_code == 404 and missing.get_json()["error"]["status"] == 404


def test_parks_their_profile_and_reference_lists(client, catalogue):
    parks = client.get("/api/v1/parks?sector=semiconductors").get_json()
    valid("ParkList", parks)
    assert [p["slug"] for p in parks["items"]] == ["vsip-3"] and parks["items"][0]["land_rent_min_usd_m2"] == 95.5
    profile = client.get("/api/v1/parks/vsip-3?lang=ja").get_json()
    valid("ParkDetail", profile)
    assert profile["lang"] == "en" and profile["target_sectors"] == [{"code": "semiconductors", "name": "半導体"}]
    sectors = client.get("/api/v1/sectors?lang=vi").get_json()
    assert sectors["items"] == [{"code": "semiconductors", "name": "Bán dẫn", "priority": True}]
    assert client.get("/api/v1/locations").get_json()["items"][0]["code"] == "bau_bang"


def test_wrong_parameters_get_a_json_answer_naming_them(client, catalogue):
    response = client.get("/api/v1/projects?min_investment=lots&sector=nothing")
    assert response.status_code == 400
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"min_investment", "sector"}
    valid("Error", response.get_json())
    assert client.get("/api/v1/projects?lang=fr").status_code == 400
    assert client.get("/api/v1/projects?per_page=1000").status_code == 400
    unknown = client.get("/api/v1/nothing-here")
    assert unknown.status_code == 404 and unknown.get_json()["error"]["status"] == 404


def test_the_description_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.get_json()["openapi"].startswith("3.1")


def test_a_listing_runs_a_fixed_number_of_queries(client, session, count_queries):
    chips, place = factories.sector(), factories.location()
    counts = []
    for batch in (3, 30):
        for _ in range(batch):
            factories.project(of=chips, where=place)
        session.commit()
        with count_queries() as counter:
            assert client.get("/api/v1/projects?per_page=100").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_each_address_has_a_rate_limit(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "2 per minute")
    # distinct questions: a repeat would come from the page cache, which the limit does not count
    assert [client.get(f"/api/v1/sectors?lang={lang}").status_code for lang in ("en", "ko", "ja")] == [200, 200, 429]
    assert client.get("/api/v1/sectors?lang=vi").get_json()["error"]["status"] == 429


def test_a_number_given_empty_is_refused_not_read_as_no_limit(client):
    refused = client.get("/api/v1/projects?max_area=&min_investment=5")
    assert refused.status_code == 400
    assert refused.json["error"]["fields"] == {"max_area": ["Enter a number, or leave the parameter out."]}
    assert client.get("/api/v1/parks?min_available=%20").status_code == 400
    assert client.get("/api/v1/projects?q=").status_code == 200, "an empty search is no search"
