"""Menus written once and reused (``portal.form_widgets.RememberedSelect``): what an officer gets
is exactly what WTForms writes, whichever option is chosen and in every language, and a stage,
officer or sector added or renamed is in the menus at once."""
import re

import pytest
from flask_babel import force_locale
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms.widgets import Select

from portal.form_widgets import RememberedSelect
from portal.leads import queries
from portal.leads.models import Stage
from portal.leads.pipeline.forms import BulkForm, LeadFilterForm
from portal.projects import queries as catalogue
from tests import factories


def remembered_fields(form):
    return [field for field in form if isinstance(field.widget, RememberedSelect)]


@pytest.mark.parametrize("lang", ["vi", "en", "ko", "ja"])
@pytest.mark.parametrize("chosen", [None, "", "1", "open", "none", "next_step", "assign", "999", '"><script>'])
def test_the_reused_menus_are_what_wtforms_writes(app, session, lang, chosen):
    factories.user(name="Kim Min-jun"), factories.user(name='Lê "An" <Văn>')
    factories.sector("logistics", en="Logistics & ports", ko="물류", ja="物流", vi="Logistics")
    session.commit()
    with app.test_request_context("/staff/leads"), force_locale(lang):
        for _ in range(2):  # written, then reused
            stages, users = queries.stages(), queries.staff_members()
            forms = [LeadFilterForm(MultiDict(), stages, users, queries.referrers(), queries.events(),
                                    catalogue.sectors(), lang, queries.tags()),
                     BulkForm(users, stages, lang, prefix="bulk")]
            fields = [field for form in forms for field in remembered_fields(form)]
            assert len(fields) == 14
            for field in fields:
                field.data = chosen
                attributes = {"aria-describedby": "x-hint"}
                assert str(field(**attributes)) == str(Select()(field, **attributes))


def test_a_renamed_stage_and_a_new_officer_are_in_the_menus_at_once(staff_client, session):
    factories.lead("Hanbit Chips")
    session.commit()
    before = staff_client.get("/staff/leads").text
    stage = session.scalars(select(Stage).order_by(Stage.position)).first()
    old_name = stage.name_en
    stage.name_en = "First contact made"
    factories.user(name="Tanaka Hiroshi")
    session.commit()

    html = staff_client.get(f"/staff/leads?stage={stage.id}").text
    menu = re.search(r'<select id="stage" name="stage">.*?</select>', html, re.S).group(0)
    assert f'<option selected value="{stage.id}">First contact made</option>' in menu
    assert f">{old_name}</option>" in before and f">{old_name}</option>" not in menu
    owners = re.search(r'<select id="owner" name="owner">.*?</select>', html, re.S).group(0)
    bulk_owners = re.search(r'<select id="bulk-owner" name="bulk-owner">.*?</select>', html, re.S).group(0)
    assert ">Tanaka Hiroshi</option>" in owners and ">Tanaka Hiroshi</option>" in bulk_owners
    assert "Tanaka Hiroshi" not in before


def test_each_language_has_its_own_menus(app, session):
    with app.test_request_context("/staff/leads"):
        menus = {}
        for lang in ("ko", "ja", "ko"):
            with force_locale(lang):
                menus[lang] = str(LeadFilterForm(MultiDict(), [], [], [], [], [], lang).sort())
    assert ">최신순</option>" in menus["ko"] and ">新着順</option>" in menus["ja"]
    assert "新着順" not in menus["ko"] and "최신순" not in menus["ja"]
