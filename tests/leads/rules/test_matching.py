"""Keys that spot the same investor writing twice (``portal.leads.rules.matching``): the business
e-mail domain, the phone's digits and the company name without its legal form."""
import pytest

from portal.leads.rules.matching import PUBLIC_MAIL_DOMAINS, company_key, email_domain, phone_digits

# --- e-mail domain -----------------------------------------------------------------------------


@pytest.mark.parametrize(("email", "domain"), [
    ("minjun.kim@hanbit.co.kr", "hanbit.co.kr"),
    ("Sato@Toyota-Tsusho.CO.JP", "toyota-tsusho.co.jp"),
    ("lan@becamex.com.vn  ", "becamex.com.vn"),
    ("odd@name@example.com", "example.com"),
], ids=["business domain", "case folded", "spaces trimmed", "last @ counts"])
def test_business_domain_is_kept(email, domain):
    assert email_domain(email) == domain


@pytest.mark.parametrize("email", [
    "investor@gmail.com",
    "investor@GMAIL.COM",
    "investor@naver.com",
    "investor@yahoo.co.jp",
    "investor@yahoo.com.vn",
    "investor@qq.com",
    "investor@hanmail.net",
    "investor@outlook.com",
])
def test_public_mail_provider_gives_no_domain(email):
    assert email_domain(email) == ""


def test_every_listed_public_provider_gives_no_domain():
    assert {email_domain(f"someone@{domain}") for domain in PUBLIC_MAIL_DOMAINS} == {""}


@pytest.mark.parametrize("email", ["", "not an address"])
def test_text_without_at_sign_gives_no_domain(email):
    assert email_domain(email) == ""


# --- phone -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("phone", "digits"), [
    ("+84 912 345 678", "912345678"),
    ("0912-345-678", "912345678"),
    ("(+84) 912.345.678", "912345678"),
], ids=["international", "national with dashes", "brackets and dots"])
def test_same_vietnamese_number_written_differently_gives_same_digits(phone, digits):
    assert phone_digits(phone) == digits


def test_only_the_last_nine_digits_are_kept():
    assert phone_digits("+82 10-1234-5678") == "012345678"


def test_eight_digits_are_kept_whole():
    assert phone_digits("6123 4567") == "61234567"


@pytest.mark.parametrize("phone", ["123 4567", "ext. 12", "", None])
def test_too_short_or_missing_phone_gives_nothing(phone):
    assert phone_digits(phone) == ""


# --- company -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("company", "key"), [
    ("Hanbit Electronics Co., Ltd.", "hanbit electronics"),
    ("HANBIT ELECTRONICS", "hanbit electronics"),
    ("Hanbit Electronics Corporation", "hanbit electronics"),
    ("Hanbit Electronics Inc.", "hanbit electronics"),
    ("Acme Company Limited", "acme"),
    ("Bosch GmbH", "bosch"),
    ("Siemens AG", "siemens"),
    ("Pacific Pte. Ltd.", "pacific"),
    ("Delta LLC", "delta"),
])
def test_latin_legal_forms_and_case_are_ignored(company, key):
    assert company_key(company) == key


@pytest.mark.parametrize(("company", "key"), [
    ("Công ty TNHH Bình Dương", "binh duong"),
    ("Công ty TNHH MTV Bình Dương", "binh duong"),
    ("CÔNG TY TNHH ĐÔNG Á", "dong a"),
])
def test_vietnamese_legal_forms_and_diacritics_are_ignored(company, key):
    assert company_key(company) == key


@pytest.mark.parametrize(("company", "key"), [
    ("株式会社トヨタ", "トヨタ"),
    ("トヨタ株式会社", "トヨタ"),
    ("有限会社サクラ", "サクラ"),
    ("(주)한빛", "한빛"),
    ("한빛 주식회사", "한빛"),
    ("한빛 유한회사", "한빛"),
])
def test_japanese_and_korean_legal_forms_are_ignored(company, key):
    assert company_key(company) == key


def test_japanese_voicing_marks_are_kept():
    assert company_key("ガス株式会社") == "ガス"


def test_legal_form_inside_a_word_is_kept():
    assert company_key("Cosmo Incubator Ltd") == "cosmo incubator"


@pytest.mark.parametrize("company", ["", "Co., Ltd."])
def test_no_name_gives_empty_key(company):
    assert company_key(company) == ""
