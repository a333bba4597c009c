"""Keys that tell when two leads are probably the same investor: the normalised e-mail, the
business e-mail domain (not a public mail provider's), the phone's digits, and the company name
without its legal form, in the same country."""
from __future__ import annotations

import re

from portal.search_text import fold

PUBLIC_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.jp", "yahoo.com.vn", "yahoo.co.kr", "hotmail.com",
    "outlook.com", "live.com", "msn.com", "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com",
    "gmx.de", "gmx.net", "web.de", "mail.ru", "qq.com", "163.com", "126.com", "naver.com", "daum.net",
    "hanmail.net", "nate.com", "kakao.com", "docomo.ne.jp", "ezweb.ne.jp", "softbank.ne.jp", "zoho.com",
})

_LEGAL_FORMS = re.compile(
    r"\b(co|company|corp|corporation|inc|incorporated|ltd|limited|llc|plc|jsc|pte|gmbh|ag|bv|nv|sa|sas|kk|"
    r"cong ty|tnhh|co phan|mtv)\b|株式会社|有限会社|\(주\)|주식회사|유한회사"
)


def email_domain(email: str) -> str:
    """The business domain of an address, or "" for a public mail provider."""
    domain = email.rsplit("@", 1)[-1].strip().lower() if "@" in email else ""
    return "" if domain in PUBLIC_MAIL_DOMAINS else domain


def phone_digits(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-9:] if len(digits) >= 8 else ""


def company_key(company: str) -> str:
    """"Hanbit Electronics Co., Ltd." and "HANBIT ELECTRONICS" give the same key."""
    name = _LEGAL_FORMS.sub(" ", fold(company).replace(".", " ").replace(",", " "))
    return " ".join(name.split())


def search_texts(company: str, reference: str, name: str, email: str, message: str,
                 phone: str) -> tuple[str, str]:
    """What the staff search matches a lead on, folded (``portal.search_text.fold``): (what every
    officer may find it by, the contact data only those who may see it find it by). Stored on the
    lead so that a text index can serve the search; the phone's digits ride with the contact data."""
    public = fold(f"{company or ''} {reference or ''}")
    contact = fold(f"{name or ''} {email or ''} {message or ''} {phone_digits(phone or '')}")
    return public, contact
