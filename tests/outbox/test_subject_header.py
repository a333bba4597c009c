"""Subjects arrive exactly as written in every language: folding a long header never drops or
adds a space (Korean referral thank-yous used to arrive as "–접수" instead of "– 접수")."""
from email import policy
from email.parser import BytesParser

import pytest
from flask_babel import force_locale, gettext

from portal.outbox.delivery import OutgoingMail, build_email

SUBJECTS = {
    "ko": "소개해 주셔서 감사합니다 – 접수 번호 IP-26-7K3QXM",
    "ja": "お問い合わせを受け付けました – 受付番号 IP-26-7K3QXM",
    "vi": "Chúng tôi đã nhận được yêu cầu của Quý vị – mã số IP-26-7K3QXM",
}


def sent_and_read_back(app, subject: str):
    mail = OutgoingMail(id=1, kind="test", recipient="investor@example.com", subject=subject, body="본문",
                        language="ko", message_id="<1@portal.example>")
    with app.test_request_context():
        raw = build_email(mail).as_bytes()
    return raw, BytesParser(policy=policy.default).parsebytes(raw)


@pytest.mark.parametrize("lang", sorted(SUBJECTS))
@pytest.mark.parametrize("prefix_words", range(0, 24, 3))
def test_the_decoded_subject_is_the_one_written(app, lang, prefix_words):
    # Longer and longer subjects move the folds to every position, across the "– " that lost its space.
    filler = {"ko": "빈즈엉 투자진흥센터", "ja": "ビンズオン投資促進センター", "vi": "Trung tâm Xúc tiến"}[lang]
    subject = " ".join([filler] * prefix_words + [SUBJECTS[lang]])
    raw, message = sent_and_read_back(app, subject)
    assert str(message["Subject"]) == subject
    assert all(len(line) <= 78 for line in raw.splitlines())  # folded, as mail servers expect


@pytest.mark.parametrize("length", range(1, 90))
def test_no_space_is_lost_wherever_the_fold_falls(app, length):
    subject = "가" * length + " – 접수 " + "나 " * (length % 7) + "끝"
    assert str(sent_and_read_back(app, subject)[1]["Subject"]) == subject


def test_the_real_korean_thank_you_subject_survives(app):
    with app.test_request_context(), force_locale("ko"):
        subject = gettext("Thank you for your introduction – reference %(reference)s", reference="IP-26-7K3QXM")
    assert " – " in subject
    assert str(sent_and_read_back(app, subject)[1]["Subject"]) == subject


def test_an_ascii_subject_is_not_encoded(app):
    raw, message = sent_and_read_back(app, "Inquiry received: reference IP-26-7K3QXM")
    assert b"Subject: Inquiry received: reference IP-26-7K3QXM" in raw
