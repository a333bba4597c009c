"""The country menu is written once per language and reused: what a visitor gets is exactly what
WTForms would have written, whichever country is chosen."""
import pytest
from flask_babel import force_locale
from wtforms.widgets import Select

from portal.leads.capture.forms import InquiryForm, ReferralForm


@pytest.mark.parametrize("lang", ["vi", "en", "ko", "ja"])
@pytest.mark.parametrize("chosen", [None, "", "KR", "VN", "XX", '"><script>'])
def test_the_reused_country_menu_is_what_wtforms_writes(app, lang, chosen):
    with app.test_request_context(f"/{lang}/inquire"), force_locale(lang):
        for form in (InquiryForm(lang), ReferralForm(lang)):
            field = form.country if "country" in form else form.prospect_country
            field.data = chosen
            attributes = {"aria-describedby": "country-error", "aria-invalid": "true"}
            assert str(field(**attributes)) == str(Select()(field, **attributes))


def test_each_language_has_its_own_menu(client):
    korean, japanese = client.get("/ko/inquire").text, client.get("/ja/inquire").text
    assert ">대한민국</option>" in korean and ">韓国</option>" in japanese
    assert ">대한민국</option>" not in japanese
