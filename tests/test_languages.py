"""Language in the URL, negotiation for ``/``, alternates, the switcher and content fallback."""
import re

import pytest

from tests import factories

LANGS = ("vi", "en", "ko", "ja")


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("ko-KR,ko;q=0.9,en;q=0.8", "/ko/"), ("ja", "/ja/"), ("vi-VN", "/vi/"), ("fr-FR,de;q=0.8", "/en/"), (None, "/en/")],
)
def test_root_redirects_to_the_best_language(client, accept, expected):
    headers = {"Accept-Language": accept} if accept else {}
    response = client.get("/", headers=headers)
    assert response.status_code == 302
    assert response.headers["Location"] == expected
    assert "Accept-Language" in response.headers["Vary"]


def test_a_remembered_choice_wins_over_the_browser(client):
    chosen = client.get("/ja/language?next=/ja/parks/")  # the switcher's link
    assert chosen.status_code == 303 and chosen.headers["Location"] == "/ja/parks/"
    response = client.get("/", headers={"Accept-Language": "ko"})
    assert response.headers["Location"] == "/ja/"


def test_visiting_a_page_remembers_nothing_so_caches_may_keep_it(client):
    page = client.get("/ja/")
    assert "Set-Cookie" not in page.headers and "Cookie" not in page.headers.get("Vary", "")
    assert client.get("/", headers={"Accept-Language": "ko"}).headers["Location"] == "/ko/"


@pytest.mark.parametrize("target", ["https://evil.example/ja/", "//evil.example/ja/", "/ko/parks/", "/\\evil.example",
                                    "javascript:alert(1)"])
def test_the_language_choice_only_leads_to_a_page_of_the_portal_in_that_language(client, target):
    response = client.get("/ja/language", query_string={"next": target})
    assert response.status_code == 303 and response.headers["Location"] == "/ja/"


def test_unknown_language_prefix_is_a_translated_404(client):
    response = client.get("/fr/projects/", headers={"Accept-Language": "ko"})
    assert response.status_code == 404
    assert '<html lang="ko">' in response.text
    response = client.get("/xx/")
    assert response.status_code == 404


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_declares_its_language_and_alternates(client, session, lang):
    park = factories.park("vsip-test", texts={code: f"VSIP {code}" for code in LANGS})
    factories.project("chip-plant", in_park=park, texts={code: f"Chip plant {code}" for code in LANGS})
    session.commit()
    for path in ("", "projects/", "projects/chip-plant", "parks/", "parks/vsip-test",
                 "parks/compare?park=vsip-test"):
        page = client.get(f"/{lang}/{path}")
        assert page.status_code == 200, path
        html = page.text
        assert f'<html lang="{lang}">' in html
        path_only = path.split("?")[0]
        for other in LANGS:
            assert f'hreflang="{other}" href="http://localhost/{other}/{path_only}"' in html
        assert f'hreflang="x-default" href="http://localhost/en/{path_only}"' in html
        assert f'<link rel="canonical" href="http://localhost/{lang}/{path_only}">' in html


def alternates(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def canonical(html: str) -> str:
    return re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)


def test_a_page_shown_in_english_for_want_of_korean_is_not_announced_as_korean(client, session):
    park = factories.park("vsip-test", texts={"en": "VSIP test park", "vi": "KCN VSIP"})
    factories.project("chip-plant", in_park=park, texts={"en": "Chip plant", "ja": "半導体工場"})
    session.commit()

    korean = client.get("/ko/parks/vsip-test").text
    assert '<html lang="ko">' in korean and '<article class="detail" lang="en">' in korean  # the text says its language
    assert alternates(korean) == {"vi": "http://localhost/vi/parks/vsip-test", "en": "http://localhost/en/parks/vsip-test",
                                  "x-default": "http://localhost/en/parks/vsip-test"}
    assert canonical(korean) == "http://localhost/en/parks/vsip-test"  # a copy of the English page
    english = client.get("/en/parks/vsip-test").text
    assert "hreflang=\"ko\"" not in english.split("</head>")[0] and canonical(english).endswith("/en/parks/vsip-test")

    project = client.get("/ko/projects/chip-plant").text
    assert alternates(project) == {"en": "http://localhost/en/projects/chip-plant",
                                   "ja": "http://localhost/ja/projects/chip-plant",
                                   "x-default": "http://localhost/en/projects/chip-plant"}
    assert canonical(client.get("/ja/projects/chip-plant").text) == "http://localhost/ja/projects/chip-plant"


def test_the_sitemap_lists_an_item_only_in_the_languages_it_is_written_in(client, session):
    factories.park("vsip-test", texts={"en": "VSIP test park", "ko": "VSIP 시험 산업단지"})
    session.commit()
    sitemap = client.get("/sitemap.xml").text
    assert "<loc>http://localhost/ko/parks/vsip-test</loc>" in sitemap
    assert "<loc>http://localhost/ja/parks/vsip-test</loc>" not in sitemap
    assert 'hreflang="ja" href="http://localhost/ja/parks/vsip-test"' not in sitemap
    assert "<loc>http://localhost/ja/parks/</loc>" in sitemap  # the directory is written in every language


def test_page_two_of_the_catalogue_is_its_own_canonical_page(client, session):
    for number in range(14):
        factories.project(f"project-{number}")
    session.commit()
    second = client.get("/ko/projects/?page=2&sort=newest").text
    assert canonical(second) == "http://localhost/ko/projects/?page=2"
    assert alternates(second)["ja"] == "http://localhost/ja/projects/?page=2"
    first = client.get("/ko/projects/?page=1").text
    assert canonical(first) == "http://localhost/ko/projects/"


def test_language_switcher_keeps_page_and_filters(client, session):
    factories.sector("semiconductors")
    session.commit()
    html = client.get("/ko/projects/?sector=semiconductors&q=chip&page=1").text
    switcher = html[html.index('class="language-switcher"'):]
    link = re.search(r'<a href="([^"]+)" lang="ja" hreflang="ja">日本語</a>', switcher)
    assert link, "the switcher names each language in that language, marked with its own lang"
    chosen = client.get(link.group(1).replace("&amp;", "&"))
    assert chosen.status_code == 303 and chosen.headers["Set-Cookie"].startswith("lang=ja")
    target = chosen.headers["Location"]
    assert target.startswith("/ja/projects/?")
    assert "sector=semiconductors" in target and "q=chip" in target
    assert '<a href="/vi/language?next=/vi/projects/?' in switcher.replace("%2F", "/").replace("%3F", "?")
    assert 'lang="vi" hreflang="vi">Tiếng Việt</a>' in switcher
    assert 'lang="ko" hreflang="ko" aria-current="true">한국어</a>' in switcher


def test_missing_translation_falls_back_to_english_with_a_note(client, session):
    factories.project("english-only", texts={"en": "Wafer testing centre", "vi": "Trung tâm kiểm thử wafer"})
    session.commit()
    html = client.get("/ko/projects/english-only").text
    assert "<h1>Wafer testing centre</h1>" in html
    assert '<article class="detail" lang="en">' in html
    assert 'class="fallback-note"' in html
    assert "영어" in html  # the note names the language shown, in Korean


def test_fallback_to_vietnamese_when_english_is_missing(client, session):
    factories.project("vi-only", texts={"vi": "Khu logistics Bình Dương"})
    session.commit()
    html = client.get("/ja/projects/vi-only").text
    assert "Khu logistics Bình Dương" in html
    assert '<article class="detail" lang="vi">' in html
    assert "ベトナム語" in html


def test_text_in_the_readers_language_has_no_fallback_note(client, session):
    factories.project("full", texts={"en": "Chip plant", "ko": "반도체 공장"})
    session.commit()
    html = client.get("/ko/projects/full").text
    assert "<h1>반도체 공장</h1>" in html
    assert 'class="fallback-note"' not in html


@pytest.mark.parametrize(
    ("lang", "money", "area"),
    [("en", "US$250M", "12.5 ha"), ("vi", "250 triệu USD", "12,5 ha"), ("ko", "US$2.5억", "12.5ha"), ("ja", "2.5億米ドル", "12.5 ha")],
)
def test_money_and_areas_are_formatted_for_the_locale(client, session, lang, money, area):
    factories.project("sized", total_investment_usd=250_000_000, land_area_ha=12.5)
    session.commit()
    html = client.get(f"/{lang}/projects/").text.replace("\xa0", " ")
    assert money in html
    assert area in html
