"""Staff keep the catalogue current: drafts, publishing rules, slugs, translations, roles, audit."""
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.audit import AuditEntry
from portal.extensions import db
from portal.projects.models import IndustrialPark, InvestmentProject, Location, Sector, SlugRedirect
from portal.projects.slugs import slugify
from portal.public.models import KeyFigure
from tests import factories
from tests.conftest import logged_in_client
from tests.pdfs import pdf
from tests.staff import post

PROJECTS = "/staff/catalogue/projects"
PARKS = "/staff/catalogue/parks"


def project_form(sector, location, **changes) -> dict:
    data = {
        "slug": "", "sector_id": sector.id, "location_id": location.id, "park_id": "",
        "investment_form": "foreign_100", "status": "open", "total_investment_usd": "250000000",
        "land_area_ha": "12.5",
        "texts_vi-title": "Nhà máy pin lithium Đồng An", "texts_vi-summary": "Tóm tắt",
        "texts_vi-description": "Mô tả dự án",
        "texts_en-title": "Lithium battery plant", "texts_en-summary": "A summary",
        "texts_en-description": "The description",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


@pytest.fixture
def taxonomy(session):
    sector = factories.sector("batteries", en="Batteries", ko="배터리")
    location = factories.location("di_an", en="Di An")
    session.commit()
    return sector, location


def officer_client(app, session):
    officer = factories.user(role="officer")
    session.commit()
    return logged_in_client(app, officer)


def upload(client, project_id: int, body: bytes, name: str, kind: str = "brochure", with_token: bool = True):
    import io

    from tests.staff import csrf_token

    data = {"media_kind": kind, "file": (io.BytesIO(body), name)}
    if with_token:
        data["csrf_token"] = csrf_token(client)
    return client.post(f"{PROJECTS}/{project_id}/media", data=data, content_type="multipart/form-data")


def only_project() -> InvestmentProject:
    db.session.expire_all()
    return db.session.scalars(select(InvestmentProject)).one()


def test_a_new_project_is_a_draft_with_a_slug_from_its_title(staff_client, taxonomy, client):
    response = post(staff_client, f"{PROJECTS}/new", **project_form(*taxonomy))
    assert response.status_code == 302
    project = only_project()
    assert (project.published, project.slug) == (False, "lithium-battery-plant")
    assert project.texts["vi"].title == "Nhà máy pin lithium Đồng An"
    assert client.get("/en/projects/lithium-battery-plant").status_code == 404
    assert "Lithium battery plant" not in client.get("/en/projects/").text


def test_slugs_drop_vietnamese_diacritics():
    assert slugify("Khu công nghiệp Đồng An 2 (mở rộng)") == "khu-cong-nghiep-dong-an-2-mo-rong"
    assert slugify("반도체 공장") == ""


def test_a_project_without_english_cannot_be_published(staff_client, taxonomy, client):
    form = project_form(*taxonomy, **{"texts_en-title": "", "texts_en-summary": "", "texts_en-description": ""})
    post(staff_client, f"{PROJECTS}/new", **form)
    project = only_project()
    assert project.slug == "nha-may-pin-lithium-dong-an"
    response = post(staff_client, f"{PROJECTS}/{project.id}/publish")
    assert "before publishing" in staff_client.get(response.location).text
    assert only_project().published is False
    assert client.get(f"/en/projects/{project.slug}").status_code == 404


def test_publishing_puts_the_project_in_the_public_catalogue_in_every_language(staff_client, taxonomy, client):
    post(staff_client, f"{PROJECTS}/new", **project_form(*taxonomy))
    project = only_project()
    post(staff_client, f"{PROJECTS}/{project.id}/publish")
    assert only_project().published is True
    korean = client.get(f"/ko/projects/{project.slug}")
    assert korean.status_code == 200
    assert "Lithium battery plant" in korean.text  # no Korean text yet: English, with a note
    assert "fallback-note" in korean.text
    assert "Lithium battery plant" in client.get("/en/projects/?q=lithium").text


def test_a_typo_is_shown_next_to_the_field_and_nothing_is_saved(staff_client, taxonomy):
    form = project_form(*taxonomy, total_investment_usd="lots", **{"texts_ko-summary": "요약만"})
    response = post(staff_client, f"{PROJECTS}/new", **form)
    assert response.status_code == 400
    assert 'value="lots"' in response.text
    assert "Give the title in this language" in response.text
    assert db.session.scalar(select(func.count(InvestmentProject.id))) == 0


def test_a_published_project_keeps_its_vietnamese_and_english_texts(staff_client, taxonomy):
    post(staff_client, f"{PROJECTS}/new", **project_form(*taxonomy))
    project = only_project()
    post(staff_client, f"{PROJECTS}/{project.id}/publish")
    response = post(staff_client, f"{PROJECTS}/{project.id}", **project_form(*taxonomy, **{"texts_en-summary": ""}))
    assert response.status_code == 400
    assert "Required while the item is published" in response.text
    assert only_project().texts["en"].summary == "A summary"


def test_a_new_slug_redirects_the_old_address_permanently(staff_client, taxonomy, client):
    post(staff_client, f"{PROJECTS}/new", **project_form(*taxonomy))
    project = only_project()
    post(staff_client, f"{PROJECTS}/{project.id}/publish")
    post(staff_client, f"{PROJECTS}/{project.id}", **project_form(*taxonomy, slug="battery-plant-di-an"))
    post(staff_client, f"{PROJECTS}/{project.id}", **project_form(*taxonomy, slug="battery-plant"))
    for old in ("lithium-battery-plant", "battery-plant-di-an"):
        response = client.get(f"/ja/projects/{old}")
        assert response.status_code == 301
        assert response.location.endswith("/ja/projects/battery-plant")
    assert client.get("/ja/projects/battery-plant").status_code == 200
    assert client.get("/ja/projects/no-such-plant").status_code == 404


def test_a_slug_another_project_has_is_refused(staff_client, taxonomy):
    factories.project("taken-slug", of=taxonomy[0], where=taxonomy[1])
    db.session.commit()
    response = post(staff_client, f"{PROJECTS}/new", **project_form(*taxonomy, slug="taken-slug"))
    assert response.status_code == 400
    assert "Another item already has this address" in response.text
    response = post(staff_client, f"{PROJECTS}/new", **project_form(*taxonomy, slug="Bad Slug!"))
    assert "Use lowercase letters, digits and single hyphens" in response.text


def test_an_edit_of_the_vietnamese_text_marks_other_translations_outdated(staff_client, taxonomy):
    form = project_form(*taxonomy, **{"texts_ko-title": "리튬 배터리 공장", "texts_ko-summary": "요약",
                                      "texts_ko-description": "설명"})
    post(staff_client, f"{PROJECTS}/new", **form)
    project = only_project()
    post(staff_client, f"{PROJECTS}/{project.id}/publish")
    status = staff_client.get("/staff/catalogue/translations").text
    assert "Lithium battery plant" in status and "language-chip-missing" in status  # Japanese missing

    form["texts_vi-description"] = "Mô tả mới: giá thuê đất đã thay đổi"
    post(staff_client, f"{PROJECTS}/{project.id}", **form)
    page = staff_client.get(f"{PROJECTS}/{project.id}").text
    assert page.count("Older than the Vietnamese or English text") >= 2  # English and Korean
    assert 'name="texts_ko-confirm_current"' in page

    post(staff_client, f"{PROJECTS}/{project.id}", **form, **{"texts_ko-confirm_current": "y",
                                                               "texts_en-confirm_current": "y"})
    from portal.projects.translation_status import language_states

    states = language_states(only_project())
    assert (states["vi"], states["en"], states["ko"], states["ja"]) == ("current", "current", "current", "missing")


def test_every_change_is_audited_with_its_previous_value(staff_client, taxonomy, manager):
    post(staff_client, f"{PROJECTS}/new", **project_form(*taxonomy))
    project = only_project()
    post(staff_client, f"{PROJECTS}/{project.id}", **project_form(*taxonomy, total_investment_usd="300000000",
                                                                    **{"texts_en-title": "Battery plant"}))
    post(staff_client, f"{PROJECTS}/{project.id}/publish")
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "project")
                                 .order_by(AuditEntry.id)).all()
    assert [entry.action for entry in entries] == ["create", "update", "publish"]
    assert all(entry.user_id == manager.id for entry in entries)
    assert entries[1].changes["total_investment_usd"] == [250000000, 300000000]
    assert entries[1].changes["title[en]"] == ["Lithium battery plant", "Battery plant"]
    history = staff_client.get(f"{PROJECTS}/{project.id}").text
    assert "History of changes" in history and "Lithium battery plant" in history and "300000000" in history


def test_officers_edit_drafts_but_do_not_publish(app, session, taxonomy, client):
    officer = officer_client(app, session)
    assert post(officer, f"{PROJECTS}/new", **project_form(*taxonomy)).status_code == 302
    project = only_project()
    assert post(officer, f"{PROJECTS}/{project.id}", **project_form(
        *taxonomy, **{"texts_en-title": "Battery cell plant"})).status_code == 302
    for action in ("publish", "feature", "archive"):
        assert post(officer, f"{PROJECTS}/{project.id}/{action}").status_code == 403
    assert post(officer, f"{PROJECTS}/{project.id}/delete").status_code == 403
    project.published = True
    session.commit()
    assert post(officer, f"{PROJECTS}/{project.id}", **project_form(*taxonomy)).status_code == 403
    read_only = officer.get(f"{PROJECTS}/{project.id}")
    assert read_only.status_code == 200 and "Only a manager can change" in read_only.text
    assert client.get(f"{PROJECTS}/{project.id}").status_code == 302  # anonymous: to the login page


def test_only_administrators_delete_and_only_what_no_lead_refers_to(app, session, staff_client, admin_client,
                                                                      taxonomy):
    sector, location = taxonomy
    free = factories.project("free-project", of=sector, where=location)
    free.published = False
    session.commit()
    post(admin_client, f"{PROJECTS}/{free.id}", **project_form(sector, location, slug="renamed-free-project"))
    wanted = factories.project("wanted-project", of=sector, where=location)
    lead = factories.lead("Samsung Display")
    lead.projects.append(wanted)
    session.commit()
    assert post(staff_client, f"{PROJECTS}/{free.id}/delete").status_code == 403
    post(admin_client, f"{PROJECTS}/{wanted.id}/delete")
    assert db.session.get(InvestmentProject, wanted.id) is not None
    post(admin_client, f"{PROJECTS}/{free.id}/delete")
    db.session.expire_all()
    assert db.session.get(InvestmentProject, free.id) is None
    assert db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == free.id,
                                                              AuditEntry.entity == "project")
                              .order_by(AuditEntry.id)).all()[-1] == "delete"
    assert db.session.scalar(select(func.count(SlugRedirect.id))) == 0


def test_archiving_takes_an_item_off_the_public_site_and_restoring_makes_it_a_draft(staff_client, taxonomy,
                                                                                       client):
    project = factories.project("old-project", of=taxonomy[0], where=taxonomy[1], featured=True)
    db.session.commit()
    post(staff_client, f"{PROJECTS}/{project.id}/archive")
    assert client.get("/en/projects/old-project").status_code == 404
    archived = only_project()
    assert (archived.archived, archived.published, archived.featured) == (True, False, False)
    assert "old-project" not in staff_client.get(PROJECTS).text
    assert "old-project" in staff_client.get(f"{PROJECTS}?state=archived").text
    post(staff_client, f"{PROJECTS}/{project.id}/restore")
    assert (only_project().archived, only_project().published) == (False, False)


def test_staff_preview_a_draft_in_any_language(staff_client, taxonomy, client):
    form = project_form(*taxonomy, **{"texts_ja-title": "リチウム電池工場", "texts_ja-summary": "概要",
                                      "texts_ja-description": "説明"})
    post(staff_client, f"{PROJECTS}/new", **form)
    project = only_project()
    preview = staff_client.get(f"{PROJECTS}/{project.id}/preview?lang=ja")
    assert preview.status_code == 200
    assert '<html lang="ja">' in preview.text and "リチウム電池工場" in preview.text
    assert "preview-banner" in preview.text and 'content="noindex' in preview.text
    assert client.get(f"{PROJECTS}/{project.id}/preview?lang=ja").status_code == 302


def test_parks_are_edited_with_their_target_sectors_and_checked_figures(staff_client, taxonomy, client):
    sector, location = taxonomy
    form = {
        "developer": "Becamex IDC", "location_id": location.id, "target_sectors": [sector.id],
        "total_area_ha": "100", "available_area_ha": "150",
        "texts_vi-name": "KCN Đồng An 3", "texts_vi-summary": "Tóm tắt", "texts_vi-description": "Mô tả",
        "texts_en-name": "Dong An 3 Industrial Park", "texts_en-summary": "Summary", "texts_en-description": "Text",
    }
    response = post(staff_client, f"{PARKS}/new", **form)
    assert response.status_code == 400 and "cannot exceed the total area" in response.text
    form["available_area_ha"] = "40"
    post(staff_client, f"{PARKS}/new", **form)
    park = db.session.scalars(select(IndustrialPark)).one()
    assert park.slug == "dong-an-3-industrial-park"
    assert [s.code for s in park.target_sectors] == ["batteries"]
    post(staff_client, f"{PARKS}/{park.id}/publish")
    assert "Dong An 3 Industrial Park" in client.get(f"/en/parks/?sector={sector.code}").text


def test_managers_keep_sectors_and_locations_and_administrators_delete_unused_ones(app, session, staff_client,
                                                                                      admin_client, taxonomy):
    sector, location = taxonomy
    factories.project("uses-location", of=sector, where=location)
    session.commit()
    names = {f"name_{lang}": f"Logistics {lang}" for lang in ("vi", "en", "ko", "ja")}
    post(staff_client, "/staff/catalogue/sectors/new", code="logistics", position="5", **names)
    logistics = db.session.scalars(select(Sector).where(Sector.code == "logistics")).one()
    assert logistics.name_ko == "Logistics ko"
    response = post(staff_client, "/staff/catalogue/sectors/new", code="logistics", position="6", **names)
    assert "Another entry uses this code" in response.text
    assert post(staff_client, f"/staff/catalogue/sectors/{logistics.id}/delete").status_code == 403
    post(admin_client, f"/staff/catalogue/locations/{location.id}/delete")
    assert db.session.get(Location, location.id) is not None
    post(admin_client, f"/staff/catalogue/sectors/{logistics.id}/delete")
    db.session.expire_all()
    assert db.session.get(Sector, logistics.id) is None
    assert officer_client(app, session).get("/staff/catalogue/sectors").status_code == 403


def test_key_figures_are_edited_and_shown_with_date_and_source(staff_client, client):
    factories.key_figure("fdi_projects", 4000, source="Old report")
    factories.park("with-land", available_area_ha=Decimal("25"))
    db.session.commit()
    figure = db.session.scalars(select(KeyFigure)).one()
    post(staff_client, f"/staff/catalogue/key-figures/{figure.id}", kind="fdi_projects", value="4321",
         as_of="2025-12-31", source="Department of Finance", position="1")
    post(staff_client, "/staff/catalogue/key-figures/new", kind="industrial_parks", value="29",
         as_of="2025-12-31", source="Management Board of Industrial Parks", position="4")
    home = client.get("/en/").text
    assert "4,321" in home and "Department of Finance" in home and "Old report" not in home
    assert "Management Board of Industrial Parks" in home
    assert "industrial parks in this directory" not in home  # the official count replaces the directory's
    assert "industrial land available now" in home
    duplicate = post(staff_client, "/staff/catalogue/key-figures/new", kind="industrial_parks", value="30",
                     as_of="2025-12-31", source="X", position="5")
    assert duplicate.status_code == 400 and "already on the home page" in duplicate.text


def test_an_upload_that_is_not_what_it_claims_is_refused(staff_client, taxonomy):
    project = factories.project("with-files", of=taxonomy[0], where=taxonomy[1])
    db.session.commit()
    response = upload(staff_client, project.id, b"MZ\x90\x00" + b"\x00" * 200, "brochure.pdf")
    assert "not a PDF document" in staff_client.get(response.location).text
    assert only_project().media == []


def test_staff_pages_of_the_catalogue_run_a_fixed_number_of_queries(staff_client, taxonomy, count_queries):
    def add_projects(count):
        for _ in range(count):
            factories.project(of=taxonomy[0], where=taxonomy[1], texts={"en": "A", "vi": "B", "ko": "C"})
        db.session.commit()

    counts = []
    for batch in (5, 45):
        add_projects(batch)
        with count_queries() as counter:
            assert staff_client.get(PROJECTS).status_code == 200
            assert staff_client.get("/staff/catalogue/translations").status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_translations_status_uses_the_time_each_text_was_edited(session, taxonomy):
    from portal.projects.translation_status import language_states

    project = factories.project("timed", of=taxonomy[0], where=taxonomy[1],
                                texts={"vi": "A", "en": "B", "ko": "C", "ja": "D"})
    now = clock.now()
    for lang, age in (("vi", 1), ("en", 5), ("ko", 3), ("ja", 0)):
        project.texts[lang].updated_at = now - timedelta(days=age)
    session.commit()
    assert language_states(project) == {"vi": "current", "en": "outdated", "ko": "outdated", "ja": "current"}


def test_a_brochure_over_the_forms_limit_is_accepted_and_one_over_its_own_limit_is_refused(app, staff_client,
                                                                                          taxonomy):
    project = factories.project("big-files", of=taxonomy[0], where=taxonomy[1])
    db.session.commit()

    # larger than MAX_CONTENT_LENGTH, which keeps the public forms small
    assert upload(staff_client, project.id, pdf(padding=5 * 1024 * 1024), "big.pdf").status_code == 302
    assert [m.size_bytes > 5 * 1024 * 1024 for m in only_project().media] == [True]
    too_large = upload(staff_client, project.id, pdf(padding=app.config["UPLOAD_MAX_BROCHURE_BYTES"] + 2 * 1024 * 1024),
                       "huge.pdf")
    assert too_large.status_code == 413 and "The file is too large" in too_large.text
    assert upload(staff_client, project.id, pdf(padding=10), "x.pdf", with_token=False).status_code == 400


def test_renaming_a_sector_or_a_park_makes_its_projects_findable_by_the_new_name(staff_client, taxonomy, client):
    sector, location = taxonomy
    park = factories.park("an-tay", where=location, texts={"en": "An Tay Park", "vi": "KCN An Tây"})
    factories.project("cells", of=sector, where=location, in_park=park)
    db.session.commit()
    names = {"name_vi": "Pin và lưu trữ năng lượng", "name_en": "Energy storage", "name_ko": "에너지 저장",
             "name_ja": "蓄電"}
    post(staff_client, f"/staff/catalogue/sectors/{sector.id}", code="batteries", position="1", **names)
    assert "Project cells" in client.get("/en/projects/?q=luu+tru+nang+luong").text
    form = {"developer": "Becamex IDC", "location_id": location.id, "total_area_ha": "500",
            "available_area_ha": "20", "texts_vi-name": "KCN An Tây mở rộng", "texts_vi-summary": "S",
            "texts_vi-description": "D", "texts_en-name": "An Tay Park", "texts_en-summary": "S",
            "texts_en-description": "D"}
    post(staff_client, f"{PARKS}/{park.id}", **form)
    assert "Project cells" in client.get("/en/projects/?q=an+tay+mo+rong").text


def test_a_sector_and_a_key_figure_show_their_history_of_changes(staff_client, taxonomy):
    sector = taxonomy[0]
    names = {"name_vi": "Pin", "name_en": "Battery cells", "name_ko": "배터리", "name_ja": "電池"}
    post(staff_client, f"/staff/catalogue/sectors/{sector.id}", code="batteries", position="3", **names)
    page = staff_client.get(f"/staff/catalogue/sectors/{sector.id}").text
    assert "History of changes" in page and "Batteries" in page and "Battery cells" in page
    post(staff_client, "/staff/catalogue/key-figures/new", kind="countries", value="65", as_of="2025-12-31",
         source="Statistics office", position="2")
    figure = db.session.scalars(select(KeyFigure)).one()
    post(staff_client, f"/staff/catalogue/key-figures/{figure.id}", kind="countries", value="66",
         as_of="2026-06-30", source="Statistics office", position="2")
    page = staff_client.get(f"/staff/catalogue/key-figures/{figure.id}").text
    assert "65.00" in page and "66" in page and "2025-12-31" in page


def test_an_inquiry_link_with_an_old_slug_still_names_the_project(staff_client, taxonomy, client):
    post(staff_client, f"{PROJECTS}/new", **project_form(*taxonomy))
    project = only_project()
    post(staff_client, f"{PROJECTS}/{project.id}/publish")
    post(staff_client, f"{PROJECTS}/{project.id}", **project_form(*taxonomy, slug="battery-plant"))
    page = client.get("/en/inquire?project=lithium-battery-plant").text
    assert 'value="battery-plant"' in page and "Lithium battery plant" in page
    visit = client.get("/en/visit?project=lithium-battery-plant").text
    assert re.search(r"<input checked[^>]*value=\"battery-plant\"", visit)


@pytest.mark.parametrize(("action", "published_after", "featured_after"), [
    ("publish", True, False), ("unpublish", False, False), ("feature", True, True), ("unfeature", True, False),
    ("archive", False, False), ("restore", False, False),
])
def test_each_state_change_is_for_managers_and_audited(app, session, staff_client, taxonomy, action,
                                                       published_after, featured_after):
    project = factories.project("state-project", of=taxonomy[0], where=taxonomy[1],
                                published=action not in ("publish", "restore"), featured=action == "unfeature",
                                archived=action == "restore")
    session.commit()
    officer = factories.user(role="officer")
    session.commit()
    assert post(logged_in_client(app, officer), f"{PROJECTS}/{project.id}/{action}").status_code == 403
    assert post(staff_client, f"{PROJECTS}/{project.id}/{action}").status_code == 302
    changed = only_project()
    assert (changed.published, changed.featured) == (published_after, featured_after)
    assert session.scalar(select(AuditEntry.action).where(AuditEntry.entity == "project")) == action


def test_files_are_removed_by_those_who_may_edit_and_vanish_from_disk(app, session, staff_client, taxonomy):
    from portal.projects.media.uploads import upload_dir

    project = factories.project("with-brochure", of=taxonomy[0], where=taxonomy[1])
    session.commit()
    upload(staff_client, project.id, pdf(), "plan.pdf")
    media = only_project().media[0]
    stored = upload_dir() / media.stored_name
    assert stored.exists()
    officer = factories.user(role="officer")
    session.commit()
    remove = f"{PROJECTS}/{project.id}/media/{media.id}/delete"
    assert post(logged_in_client(app, officer), remove).status_code == 403  # the project is published
    assert post(staff_client, remove).status_code == 302
    assert only_project().media == [] and not stored.exists()
    assert staff_client.get(f"/media/{media.stored_name}").status_code == 404


def test_a_manager_corrects_a_key_figure_but_only_an_administrator_deletes_it(app, staff_client, admin_client):
    figure = factories.key_figure("countries", 65)
    db.session.commit()
    assert "Remove from the home page" not in staff_client.get("/staff/catalogue/key-figures").text
    assert post(staff_client, f"/staff/catalogue/key-figures/{figure.id}/delete").status_code == 403
    assert db.session.get(KeyFigure, figure.id) is not None
    assert "Remove from the home page" in admin_client.get("/staff/catalogue/key-figures").text
    assert post(admin_client, f"/staff/catalogue/key-figures/{figure.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(KeyFigure, figure.id) is None


def test_key_figures_are_for_managers(app, session):
    officer = factories.user(role="officer")
    session.commit()
    client = logged_in_client(app, officer)
    assert client.get("/staff/catalogue/key-figures").status_code == 403
    assert post(client, "/staff/catalogue/key-figures/new", kind="countries", value="1", as_of="2025-01-01",
                source="X", position="1").status_code == 403
