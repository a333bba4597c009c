"""A plain-text e-mail written directly (``mime.plain_text_bytes``, what the sender sends) is byte for
byte the one ``email`` writes from ``build_email``, for a file and over SMTP, in every language."""
import smtplib
from datetime import datetime, timezone
from email import policy
from email.generator import BytesGenerator
from email.parser import BytesParser
from io import BytesIO

import pytest

from portal import clock
from portal.outbox.delivery import FileTransport, OutgoingMail, SmtpTransport, build_email, written_directly
from portal.outbox.mime import plain_text_bytes

NOW = datetime(2026, 12, 7, 9, 5, 3, tzinfo=timezone.utc)

SUBJECTS = [
    "Inquiry received: reference IP-26-7K3QXM",
    "We have received your request – reference IP-26-7K3QXM",
    "Chúng tôi đã nhận được yêu cầu của Quý vị – mã số IP-26-7K3QXM",
    "소개해 주셔서 감사합니다 – 접수 번호 IP-26-7K3QXM",
    "お問い合わせを受け付けました – 受付番号 IP-26-7K3QXM",
    "A long plain subject that goes on and on past the seventy-eight characters of one line",
    "Two  spaces, a trailing one ",
    "=?utf-8?q?looks_encoded?=",
    "Bình Dương =?utf-8?q?x?= đã",
    "",
]
BODIES = {
    "en": "Dear Sir or Madam,\n\nThank you for your inquiry.\n-- \nInvestment Promotion Centre\n",
    "vi": "Kính gửi Quý vị,\n\nCảm ơn Quý vị đã gửi yêu cầu. Cán bộ đầu tư sẽ trả lời trong vòng một ngày làm việc.\n",
    "ko": "안녕하세요.\n문의해 주셔서 감사합니다. 담당자가 영업일 기준 하루 안에 답변드리겠습니다.\n" * 3,
    "ja": "お問い合わせありがとうございます。担当者より一営業日以内にご連絡いたします。\n" * 12,
    "long-ascii": "x" * 200 + "\n" + "A line.\n" * 20,
    "long-latin": ("é" * 90 + "\n") * 3,
    "lines": "windows\r\nline\rends\n\nno end",
    "empty": "",
}
RECIPIENTS = ["investor@example.com", "first.last+tag@sub.example.co.kr", "odd..dots@example.com",
              "\"quoted local\"@example.com", "a-very-long-local-part-of-an-address-that-makes-the-header-long@example.com"]
SENDERS = ["Invest Portal <no-reply@localhost>", "Trung tâm Xúc tiến Đầu tư <no-reply@invest.example.gov.vn>",
           "no-reply@invest.example", "Invest Portal Inc. <no-reply@x.example>", '"Centre (IPA)" <no-reply@x.example>',
           "Centre:IPA <no-reply@x.example>"]  # the last one read as a group by email: it adds a ';'


def mails():
    for number, subject in enumerate(SUBJECTS):
        for language, body in BODIES.items():
            yield OutgoingMail(number, "test", RECIPIENTS[number % len(RECIPIENTS)], subject, body, language[:2],
                               f"<{number}.17329.{language}@portal.example>")
    yield OutgoingMail(1, "written", "investor@example.com", "Re: site visit", "Yes.\n", "en", "<2@x.example>",
                       reply_to="invest+IP-26-7K3QXM@centre.example", thread=("<1@x.example>",))
    yield OutgoingMail(1, "written", "investor@example.com", "Re: Re: site visit", "Yes.\n", "en", "<3@x.example>",
                       reply_to="Centre <invest+IP-26-7K3QXM@centre.example>",
                       thread=tuple(f"<{n}.1733500000.{n * 7919}@portal.example>" for n in range(5)))


def as_email_writes_it(mail: OutgoingMail, linesep: str) -> bytes:
    out = BytesIO()
    BytesGenerator(out).flatten(build_email(mail), linesep=linesep)
    return out.getvalue()


@pytest.mark.parametrize("sender", SENDERS)
def test_the_bytes_are_those_email_writes(app, monkeypatch, sender):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", sender)
    with app.app_context():
        for mail in mails():
            assert written_directly(mail, sender)
            for linesep in ("\n", "\r\n"):
                assert plain_text_bytes(mail, sender, NOW, linesep) == as_email_writes_it(mail, linesep), (mail, linesep)


def test_a_written_message_reads_back_as_written(app):
    mail = OutgoingMail(7, "acknowledgement", "investor@example.com", SUBJECTS[3], BODIES["ko"], "ko", "<7@x.example>")
    with app.app_context():
        read = BytesParser(policy=policy.default).parsebytes(plain_text_bytes(mail, "Portal <p@x.example>", NOW))
    assert str(read["Subject"]) == SUBJECTS[3] and read["Message-ID"] == "<7@x.example>"
    assert read.get_content() == BODIES["ko"] and read["Content-Language"] == "ko"


def test_attachments_calendars_and_international_addresses_are_built_by_email(app):
    plain = OutgoingMail(1, "test", "investor@example.com", "Hello", "Text\n", "en", "<1@x.example>")
    sender = "Portal <no-reply@x.example>"
    assert written_directly(plain, sender)
    assert not written_directly(OutgoingMail(**{**plain.__dict__, "attachments": (3,), "files": (("a", "b", "c"),)}), sender)
    assert not written_directly(OutgoingMail(**{**plain.__dict__, "calendar": "BEGIN:VCALENDAR"}), sender)
    assert not written_directly(OutgoingMail(**{**plain.__dict__, "recipient": "nhà-đầu-tư@example.vn"}), sender)
    assert not written_directly(plain, "Portal <gửi@x.example>")


def test_the_file_transport_writes_the_same_file_either_way(app, monkeypatch, tmp_path):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    mail = OutgoingMail(5, "test", "investor@example.com", SUBJECTS[2], BODIES["vi"], "vi", "<5@x.example>")
    with app.app_context():
        FileTransport(tmp_path / "direct").send_mail(mail)
        FileTransport(tmp_path / "built").send(build_email(mail), mail.id)
    assert (tmp_path / "direct" / "000005.eml").read_bytes() == (tmp_path / "built" / "000005.eml").read_bytes()


class Recorder(smtplib.SMTP):
    """An SMTP client that keeps what it would send, envelope and bytes, and connects nowhere."""

    def __init__(self):
        super().__init__()
        self.sent = []

    def ehlo_or_helo_if_needed(self):
        pass

    def sendmail(self, from_addr, to_addrs, msg, mail_options=(), rcpt_options=()):
        self.sent.append((from_addr, list(to_addrs), msg, tuple(mail_options)))
        return {}

    def __exit__(self, *_exc):
        pass


@pytest.mark.parametrize("sender", SENDERS + ['"Centre, Bình Dương" <centre@x.example>'])
def test_over_smtp_the_envelope_and_bytes_are_those_of_send_message(app, monkeypatch, sender):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    monkeypatch.setitem(app.config, "MAIL_DEFAULT_SENDER", sender)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    recipients = RECIPIENTS + ["Name <x@y.example>", "a@b.example, c@d.example"]
    with app.app_context():
        for number, recipient in enumerate(recipients):
            mail = OutgoingMail(number, "test", recipient, SUBJECTS[number % len(SUBJECTS)], BODIES["vi"], "vi",
                                f"<{number}@portal.example>")
            direct, built = Recorder(), Recorder()
            transport = SmtpTransport(app.config)
            monkeypatch.setattr(transport, "_connect", lambda: direct)
            transport.send_mail(mail)
            monkeypatch.setattr(transport, "_connect", lambda: built)
            transport.send(build_email(mail), mail.id)
            assert direct.sent == built.sent, recipient
