"""The real mailbox (Dovecot, started once per test module) and a fresh folder of it for each test."""
import shutil
import tempfile
from email.message import EmailMessage
from itertools import count
from pathlib import Path

import pytest

from tests import dovecot

#: Folder numbers and Message-ID numbers, never the same twice in a run.
numbers = count(1)


@pytest.fixture(scope="module")
def imap_server():
    # not under pytest's private (0700) temporary folder: Dovecot's own users must read its files
    root = Path(tempfile.mkdtemp(prefix="dovecot-"))
    server = dovecot.start(root)
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def mailbox(app, imap_server, monkeypatch):
    """A fresh folder of the real mailbox for each test, and the portal set to read it."""
    folder = f"Replies{next(numbers)}"
    for name, value in {"MAIL_IMAP_HOST": imap_server.host, "MAIL_IMAP_PORT": imap_server.port,
                        "MAIL_IMAP_SSL": False, "MAIL_IMAP_USER": imap_server.user,
                        "MAIL_IMAP_PASSWORD": imap_server.password, "MAIL_IMAP_FOLDER": folder}.items():
        monkeypatch.setitem(app.config, name, value)

    class Mailbox:
        name = folder
        server = imap_server

        def deliver(self, message: EmailMessage) -> None:
            imap_server.deliver(folder, message.as_bytes())

        def flags(self):
            return imap_server.flags(folder)

    return Mailbox()
