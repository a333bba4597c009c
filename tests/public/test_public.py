"""Home page, sitemap, robots.txt and error pages."""
import xml.etree.ElementTree as ET
from decimal import Decimal

from portal import create_app
from tests import factories

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def test_home_shows_key_figures_with_their_source(client, session):
    factories.key_figure("fdi_projects", 4121, source="Báo Bình Dương")
    factories.key_figure("countries", 65)
    factories.key_figure("registered_capital_usd", 40_000_000_000, at_least=True)
    factories.park("cay-truong", texts={"en": "Cay Truong"}, available_area_ha=Decimal("480"))
    factories.park("vsip-1", texts={"en": "VSIP I"}, available_area_ha=Decimal("0"))
    session.commit()
    html = client.get("/en/").text.replace("\xa0", " ")
    assert "4,121" in html and "foreign direct investment projects" in html
    assert "Source: Báo Bình Dương, 31 Dec 2024" in html
    assert "over US$40B" in html
    assert "480 ha" in html and "industrial parks in this directory" in html


def test_home_features_projects_and_parks_with_land(client, session):
    factories.project("featured-fab", texts={"en": "Featured chip plant"}, featured=True)
    factories.project("ordinary", texts={"en": "Ordinary warehouse"})
    factories.park("cay-truong", texts={"en": "Cay Truong"}, available_area_ha=Decimal("480"))
    factories.park("vsip-1", texts={"en": "VSIP I"}, available_area_ha=Decimal("0"))
    session.commit()
    html = client.get("/en/").text
    assert "Featured chip plant" in html and "Ordinary warehouse" not in html
    parks = html[html.index('id="parks-title"'):]
    assert "Cay Truong" in parks and "VSIP I<" not in parks
    assert 'href="/en/projects/"' in html and 'href="/en/parks/"' in html
    assert 'href="/en/inquire"' in html


def test_home_names_the_region_from_configuration(client):
    html = client.get("/ko/").text
    assert "호찌민시 빈즈엉 지역" in html
    assert "빈즈엉 지역 투자진흥센터" in html


def test_region_is_read_from_the_file_named_in_the_environment(tmp_path, monkeypatch):
    profile = tmp_path / "region.toml"
    profile.write_text(
        '[region]\nname.en = "Dong Nai"\nname.vi = "Đồng Nai"\n'
        '[centre]\nname.en = "Dong Nai IPC"\nname.vi = "Trung tâm Đồng Nai"\nemail = "ipc@example.org"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("PORTAL_REGION_FILE", str(profile))
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    with app.test_request_context("/ko/"):
        profile = app.extensions["region"]
        assert profile.name("ko") == "Dong Nai"  # English stands in for a missing Korean name
        assert profile.centre_name("vi") == "Trung tâm Đồng Nai"
        assert profile.email == "ipc@example.org"


def test_sitemap_lists_every_public_page_in_every_language(client, session):
    factories.project("chip-fab", texts={code: f"Chip fab {code}" for code in ("vi", "en", "ko", "ja")})
    factories.project("draft", published=False)
    factories.park("vsip-3", texts={code: f"VSIP III {code}" for code in ("vi", "en", "ko", "ja")})
    session.commit()
    response = client.get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    urls = {url.find(f"{SITEMAP}loc").text: url for url in root.findall(f"{SITEMAP}url")}
    for lang in ("vi", "en", "ko", "ja"):
        for path in ("", "projects/", "projects/chip-fab", "parks/", "parks/vsip-3"):
            assert f"http://localhost/{lang}/{path}" in urls
    assert not any("draft" in loc for loc in urls)
    alternates = urls["http://localhost/ko/projects/chip-fab"].findall(f"{XHTML}link")
    assert {(link.get("hreflang"), link.get("href")) for link in alternates} == {
        ("vi", "http://localhost/vi/projects/chip-fab"),
        ("en", "http://localhost/en/projects/chip-fab"),
        ("ko", "http://localhost/ko/projects/chip-fab"),
        ("ja", "http://localhost/ja/projects/chip-fab"),
        ("x-default", "http://localhost/en/projects/chip-fab"),
    }


def test_robots_points_to_the_sitemap_and_keeps_staff_out(client):
    body = client.get("/robots.txt").text
    assert "Sitemap: http://localhost/sitemap.xml" in body
    assert "Disallow: /staff/" in body


def test_server_error_page_is_translated_and_in_the_layout(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})

    @app.get("/<lang:lang>/boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/ja/boom")
    assert response.status_code == 500
    assert '<html lang="ja">' in response.text and 'class="site-header"' in response.text
    assert "RuntimeError" not in response.text


def test_security_headers(client):
    response = client.get("/en/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


def test_pages_load_nothing_from_other_hosts(client, session):
    factories.project("chip-fab")
    session.commit()
    for path in ("/en/", "/en/projects/", "/en/projects/chip-fab", "/en/parks/"):
        html = client.get(path).text
        assert 'src="http' not in html
        assert 'rel="stylesheet" href="http' not in html
    assert client.get("/static/css/portal.css").status_code == 200
