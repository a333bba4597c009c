"""The shortlist: kept in the browser, reviewed on a page built from its URL, sent with one inquiry."""
import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from portal.leads.models import Lead
from portal.outbox.models import OutboxMessage
from tests import factories
from tests.forms import HIDDEN, NAME, VALUE, inquiry, submit
from tests.mails import as_sent

LANGS = ("vi", "en", "ko", "ja")
NAMES = {
    "chip": {"en": "Chip packaging plant", "vi": "Nhà máy đóng gói chip", "ko": "칩 패키징 공장", "ja": "チップ実装工場"},
    "battery": {"en": "Battery cell plant", "vi": "Nhà máy pin", "ko": "배터리 셀 공장", "ja": "電池セル工場"},
    "vsip": {"en": "VSIP III", "vi": "KCN VSIP III", "ko": "VSIP III 산업단지", "ja": "VSIP III 工業団地"},
    "bau-bang": {"en": "Bau Bang Industrial Park", "vi": "KCN Bàu Bàng", "ko": "바우방 산업단지", "ja": "バウバン工業団地"},
}


def send_inquiry(client, url: str, page_html: str | None = None):
    """The inquiry form sent as a browser sends it: every hidden input, also several of one name."""
    html = page_html or client.get(url).text
    pairs = [(NAME.search(tag).group(1), VALUE.search(tag).group(1) if VALUE.search(tag) else "")
             for tag in HIDDEN.findall(html) if NAME.search(tag)]
    data = MultiDict(pairs)
    for name, value in inquiry().items():
        data.setlist(name, value if isinstance(value, list) else [value])
    return client.post(url.split("?")[0], data=data)


#: Another hidden input of the form, made of nothing but a NUL byte.
HIDDEN_PARK = '<input type="hidden" name="park" value="\x00">'


@pytest.fixture
def shortlisted(session):
    semis = factories.sector("semiconductors", en="Semiconductors")
    vsip = factories.park("vsip", texts=NAMES["vsip"])
    factories.park("bau-bang", texts=NAMES["bau-bang"])
    factories.park("draft-park", published=False)
    factories.project("chip", texts=NAMES["chip"], of=semis, in_park=vsip)
    factories.project("battery", texts=NAMES["battery"], of=semis)
    session.commit()


@pytest.mark.parametrize("lang", LANGS)
def test_the_shortlist_page_shows_the_items_its_url_names_in_the_visitors_language(client, shortlisted, lang):
    page = client.get(f"/{lang}/shortlist?project=chip&park=vsip&park=bau-bang&project=battery")
    assert page.status_code == 200
    html = page.text
    for key in ("chip", "battery", "vsip", "bau-bang"):
        assert NAMES[key][lang] in html
    # each item can be removed: the same list without it
    assert f'href="/{lang}/shortlist?project=battery&amp;park=vsip&amp;park=bau-bang"' in html
    assert f'href="/{lang}/shortlist?project=chip&amp;project=battery&amp;park=bau-bang"' in html
    # and the whole list asked about with one inquiry
    assert f'href="/{lang}/inquire?project=chip&amp;project=battery&amp;park=vsip&amp;park=bau-bang"' in html


def test_unknown_and_unpublished_items_are_left_out_and_said_so(client, shortlisted):
    html = client.get("/en/shortlist?park=draft-park&park=nowhere&project=chip").text
    assert "Chip packaging plant" in html
    assert "2 items are no longer in the catalogue" in html
    assert "Park draft-park" not in html


def test_an_empty_shortlist_says_how_to_fill_it(client, shortlisted):
    html = client.get("/ko/shortlist").text
    assert "shortlist-item" not in html
    assert 'data-shortlist-page="/ko/shortlist"' in html


def test_shortlist_buttons_are_on_detail_pages_and_cards_the_same_for_every_visitor(client, shortlisted):
    for url, kind, slug in (("/en/projects/chip", "project", "chip"), ("/en/parks/vsip", "park", "vsip"),
                            ("/en/projects/", "project", "battery"), ("/en/parks/", "park", "bau-bang")):
        html = client.get(url).text
        assert f'data-shortlist-kind="{kind}" data-shortlist-slug="{slug}"' in html, url
        assert "shortlist-button\" hidden" in html  # shown by the script only
        assert 'data-shortlist-count aria-live="polite"' in html
        assert "/static/js/shortlist.js" in html


def test_the_shortlist_page_is_cacheable(client, shortlisted):
    response = client.get("/en/shortlist?project=chip")
    assert response.headers["Cache-Control"] == "public, no-cache"


def test_an_inquiry_about_a_shortlist_carries_every_item(client, session, shortlisted, count_queries):
    url = "/ja/inquire?project=chip&project=battery&park=vsip&park=bau-bang"
    with count_queries() as counter:
        form = client.get(url)
    assert counter.count <= 8, counter.statements
    for key in ("chip", "battery", "vsip", "bau-bang"):
        assert NAMES[key]["ja"] in form.text
    response = send_inquiry(client, url, form.text)
    assert response.status_code == 302

    lead = session.scalars(select(Lead)).one()
    assert sorted(project.slug for project in lead.projects) == ["battery", "chip"]
    assert sorted(park.slug for park in lead.parks) == ["bau-bang", "vsip"]
    mails = as_sent(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    [acknowledgement] = [mail for mail in mails if mail.kind == "acknowledgement"]
    for key in ("chip", "battery", "vsip", "bau-bang"):
        assert NAMES[key]["ja"] in acknowledgement.body



def test_control_characters_in_the_items_sent_are_dropped_not_looked_up(client, session, shortlisted):
    """PostgreSQL cannot compare a NUL byte: a tampered form is received with the items it names."""
    page = client.get("/en/inquire?park=vsip").text
    response = send_inquiry(client, "/en/inquire", page.replace('value="vsip"', 'value="\x00vsip"') + HIDDEN_PARK)
    assert response.status_code == 302
    assert [park.slug for park in session.scalars(select(Lead)).one().parks] == ["vsip"]

def test_staff_see_every_shortlisted_item_on_the_lead(client, session, shortlisted):
    from tests.staff import log_in

    send_inquiry(client, "/en/inquire?project=chip&project=battery&park=vsip&park=bau-bang")
    lead = session.scalars(select(Lead)).one()
    officer = factories.user("manager")
    session.commit()
    staff = client.application.test_client()
    log_in(staff, officer)
    html = staff.get(f"/staff/leads/{lead.reference}").text
    for key in ("chip", "battery", "vsip", "bau-bang"):
        assert NAMES[key]["en"] in html


def test_a_renamed_item_in_an_old_shortlist_link_is_still_found(client, session, shortlisted):
    from portal.projects.slugs import change_slug
    from portal.projects.models import IndustrialPark

    park = session.scalars(select(IndustrialPark).where(IndustrialPark.slug == "vsip")).one()
    change_slug(park, "vsip-iii")
    session.commit()
    html = client.get("/en/inquire?park=vsip&project=chip").text
    assert 'name="park" type="hidden" value="vsip-iii"' in html and "VSIP III" in html


def test_the_shortlist_page_runs_the_same_queries_whatever_its_length(client, session, shortlisted, count_queries):
    with count_queries() as two:
        client.get("/en/shortlist?project=chip&park=vsip")
    for n in range(6):
        factories.park(f"extra-{n}")
        factories.project(f"extra-project-{n}")
    session.commit()
    slugs = "&".join([f"park=extra-{n}" for n in range(6)] + [f"project=extra-project-{n}" for n in range(6)])
    with count_queries() as many:
        assert client.get(f"/en/shortlist?project=chip&park=vsip&{slugs}").status_code == 200
    assert many.count == two.count <= 8, many.statements
