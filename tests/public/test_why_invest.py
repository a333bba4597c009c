"""The "Why invest here" page: its words come from the region profile, in the reader's language."""
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from portal.region import load_profile

LANGS = ("vi", "en", "ko", "ja")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"

REGION = """
[region]
name.en = "Dong Nai"
name.vi = "Đồng Nai"
[centre]
name.en = "Dong Nai Investment Promotion Centre"
name.vi = "Trung tâm Xúc tiến Đầu tư Đồng Nai"
"""

WHY_INVEST = """
[why_invest]
intro.en = "Dong Nai at a glance."
intro.vi = "Đồng Nai trong nháy mắt."

[[why_invest.sections]]
key = "location"
heading.en = "Next to the new airport"
heading.vi = "Cạnh sân bay mới"
body.en = "First paragraph.\\n\\nSecond paragraph."
body.vi = "Đoạn một."
points.en = ["A port", "An expressway"]

[[why_invest.sections.sources]]
title = "Bài báo"
publisher = "Báo Đồng Nai"
published = 2024-03-05

[[why_invest.sections.sources]]
author = "Phóng viên"
published = 2023
"""


def write_profile(tmp_path, text: str):
    path = tmp_path / "region.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def profile_without_page(app, tmp_path, monkeypatch):
    profile = load_profile(write_profile(tmp_path, REGION))
    monkeypatch.setitem(app.extensions, "region", profile)
    return profile


@pytest.fixture
def small_profile(app, tmp_path, monkeypatch):
    profile = load_profile(write_profile(tmp_path, REGION + WHY_INVEST))
    monkeypatch.setitem(app.extensions, "region", profile)
    return profile


@pytest.mark.parametrize("lang", LANGS)
def test_page_is_written_in_the_readers_language(app, client, lang):
    page = app.extensions["region"].why_invest
    response = client.get(f"/{lang}/why-invest")
    assert response.status_code == 200
    html = response.text
    assert f'<html lang="{lang}">' in html
    assert 'class="fallback-note"' not in html
    assert html.count("<h1>") == 1
    for section in page.sections:
        assert f'<h2 id="{section.key}">{section.texts[lang].heading}</h2>' in html
    assert page.intro(lang).text in html


def test_every_section_names_its_sources_and_the_page_ends_with_the_calls_to_action(app, client):
    page = app.extensions["region"].why_invest
    assert 5 <= len(page.sections) <= 7
    html = client.get("/en/why-invest").text
    assert html.count('class="why-sources"') == len(page.sections)
    assert all(section.sources for section in page.sections)
    assert "<cite>Bình Dương: 25 năm chiến lược ngoại giao liên thành phố</cite>, Kiemsat.vn</span>, 17 Apr 2022" in html
    actions = html[html.index('id="why-contact-title"'):]
    for href in ('href="/en/inquire"', 'href="/en/visit"', 'href="/en/projects/"', 'href="/en/parks/"'):
        assert href in actions


def test_page_links_to_itself_in_every_language(client):
    html = client.get("/ko/why-invest").text
    for lang in LANGS:
        assert f'<link rel="alternate" hreflang="{lang}" href="http://localhost/{lang}/why-invest">' in html
    assert '<link rel="alternate" hreflang="x-default" href="http://localhost/en/why-invest">' in html
    assert '<link rel="canonical" href="http://localhost/ko/why-invest">' in html


def test_main_menu_leads_to_the_page(client):
    assert 'href="/ja/why-invest"' in client.get("/ja/").text
    assert 'href="/ja/why-invest" aria-current="page"' in client.get("/ja/why-invest").text


def test_sitemap_lists_the_page_in_every_language(client):
    root = ET.fromstring(client.get("/sitemap.xml").data)
    urls = {url.find(f"{SITEMAP}loc").text: url for url in root.findall(f"{SITEMAP}url")}
    for lang in LANGS:
        assert f"http://localhost/{lang}/why-invest" in urls
    alternates = urls["http://localhost/vi/why-invest"].findall(f"{XHTML}link")
    assert {link.get("hreflang") for link in alternates} == {*LANGS, "x-default"}


def test_page_runs_no_sql(client, count_queries):
    with count_queries() as counter:
        assert client.get("/vi/why-invest").status_code == 200
    assert counter.count == 0, counter.statements


def test_without_the_section_in_the_profile_there_is_no_page(client, profile_without_page):
    assert profile_without_page.why_invest is None
    assert client.get("/en/why-invest").status_code == 404
    assert "why-invest" not in client.get("/en/").text
    assert "why-invest" not in client.get("/sitemap.xml").text


def test_profile_sections_are_read_with_their_points_and_sources(small_profile):
    page = small_profile.why_invest
    (section,) = page.sections
    assert section.key == "location"
    assert section.texts["en"].points == ("A port", "An expressway")
    assert section.texts["vi"].points == ()
    assert [s.published for s in section.sources] == [date(2024, 3, 5), 2023]
    assert section.sources[0].publisher == "Báo Đồng Nai" and section.sources[0].lang == "vi"


def test_missing_language_falls_back_to_english_with_a_note(client, small_profile):
    html = client.get("/ko/why-invest").text
    assert '<html lang="ko">' in html
    assert '<h2 id="location" lang="en">Next to the new airport</h2>' in html
    assert 'class="fallback-note"' in html
    assert "<p>First paragraph.</p>" in html and "<p>Second paragraph.</p>" in html
    assert "<li>A port</li>" in html
    assert '<p class="lead" lang="en">Dong Nai at a glance.</p>' in html


def test_vietnamese_reader_gets_the_vietnamese_text(client, small_profile):
    html = client.get("/vi/why-invest").text
    assert '<h2 id="location">Cạnh sân bay mới</h2>' in html
    assert 'class="fallback-note"' not in html
    assert "<li>A port</li>" not in html  # points belong to the language they are written in


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ('key = "a"\nheading.en = "A"\nbody.en = "x"\n[[why_invest.sections]]\nkey = "a"\nheading.en = "B"\nbody.en = "y"',
         "share the key a"),
        ('heading.en = "Only a heading"', "needs a heading and a body"),
        ('key = "Not A Key"\nheading.en = "A"\nbody.en = "x"', "lower-case letters"),
        ('heading.en = "A"\nbody.en = "x"\n[[why_invest.sections.sources]]\npublished = 2024', "title, a publisher or an author"),
        ('heading.en = "A"\nbody.en = "x"\n[[why_invest.sections.sources]]\ntitle = "T"\npublished = "March"', "a date"),
    ],
)
def test_a_broken_section_is_refused_when_the_profile_loads(tmp_path, section, problem):
    path = write_profile(tmp_path, REGION + "[[why_invest.sections]]\n" + section + "\n")
    with pytest.raises(ValueError, match=problem):
        load_profile(path)
