"""A real IMAP server for the mailbox tests: Dovecot from the Debian packages, with a throwaway
configuration (plaintext login on localhost, one passwd-file user, a maildir in a temporary folder),
started on a free port. Installed with apt-get when missing, as the Makefile does for chromium."""
from __future__ import annotations

import getpass
import grp
import imaplib
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

USER, PASSWORD = "invest@centre.example", "mailbox-secret"
CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:{root}/mail/%n
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%n
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service auth {{
  user = {internal}
}}
service auth-worker {{
  user = {internal}
}}
"""


def dovecot_binary() -> str:
    found = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None)
    if found is None:
        subprocess.run(["apt-get", "install", "-y", "dovecot-imapd"], check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}, capture_output=True)
        found = shutil.which("dovecot") or "/usr/sbin/dovecot"
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Dovecot:
    host: str
    port: int
    user: str
    password: str
    process: subprocess.Popen
    root: Path

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4(self.host, self.port, timeout=5)
        client.login(self.user, self.password)
        return client

    def deliver(self, folder: str, raw: bytes, seen: bool = False) -> None:
        """Put a message in ``folder`` (created if needed) by APPEND, as a delivery would."""
        client = self.client()
        try:
            client.create(f'"{folder}"')
            typ, data = client.append(f'"{folder}"', "(\\Seen)" if seen else None, None, raw)
            assert typ == "OK", data
        finally:
            client.logout()

    def flags(self, folder: str) -> list[bytes]:
        client = self.client()
        try:
            client.select(f'"{folder}"', readonly=True)
            _typ, data = client.uid("FETCH", "1:*", "(FLAGS)")
            return [item for item in data if item]
        finally:
            client.logout()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start(root: Path) -> Dovecot:
    binary = dovecot_binary()
    port = free_port()
    for name in ("run", "state", "mail", "home"):
        (root / name).mkdir(parents=True, exist_ok=True)
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    # as root, Dovecot's login and auth processes must run as its own unprivileged users
    me = getpass.getuser()
    internal, login = ("dovecot", "dovenull") if os.getuid() == 0 else (me, me)
    group = grp.getgrgid(os.getgid()).gr_name if os.getuid() else "dovecot"
    import pwd

    uid, gid = (pwd.getpwnam(internal).pw_uid, pwd.getpwnam(internal).pw_gid) if os.getuid() == 0 else (
        os.getuid(), os.getgid())  # Dovecot refuses to read mail as root
    for name in ("mail", "home"):
        os.chown(root / name, uid, gid)
    root.chmod(0o755)
    (root / "users").chmod(0o644)
    config = root / "dovecot.conf"
    config.write_text(CONFIG.format(root=root, internal=internal, login=login, group=group, uid=uid, gid=gid,
                                    port=port))
    process = subprocess.Popen([binary, "-F", "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    server = Dovecot("127.0.0.1", port, USER, PASSWORD, process, root)
    for _attempt in range(100):  # wait until it accepts a login (no timing asserted, just readiness)
        if process.poll() is not None:
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            raise RuntimeError(f"dovecot stopped: {process.stdout.read().decode()} {log}")
        try:
            server.client().logout()
            return server
        except (OSError, imaplib.IMAP4.error):
            time.sleep(0.05)
    server.stop()
    raise RuntimeError("dovecot did not start")
