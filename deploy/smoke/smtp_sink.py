"""The smoke test's mail server: takes every message on the given address (no TLS, no login) and
prints who it is for and its decoded subject and text, one block per message (docker-smoke.sh reads
them in the container's log). Python 3.11's smtpd: the image's own Python, nothing to install."""
import asyncore
import email
import email.policy
import sys
import warnings

warnings.simplefilter("ignore", DeprecationWarning)
import smtpd  # noqa: E402  (deprecated, still in 3.11: enough for a test sink)


class Sink(smtpd.SMTPServer):
    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        message = email.message_from_bytes(data, policy=email.policy.default)
        body = message.get_body(("plain", "html"))
        text = body.get_content() if body is not None else ""
        print(f"MAIL to={','.join(rcpttos)} subject={message['Subject']}", flush=True)
        for line in text.splitlines()[:12]:
            print(f"  | {line}", flush=True)


host, port = sys.argv[1].rsplit(":", 1)
Sink((host, int(port)), None, decode_data=False)
print(f"smtp sink on {host}:{port}", flush=True)
asyncore.loop()
