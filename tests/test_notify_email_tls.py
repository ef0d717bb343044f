"""lib/mail.py against a loopback SMTP server that requires STARTTLS and a login (aiosmtpd)."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from warroom.lib import mail

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command for a test cert")


class Inbox:
    def __init__(self) -> None:
        self.contents: list[bytes] = []
        self.logins: list[tuple[bytes, bool]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.contents.append(envelope.content)
        return "250 OK"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.login == b"warroom" and data.password == b"s3cret-pass"
        self.logins.append((data.login if isinstance(data, LoginPassword) else b"", session.ssl is not None))
        return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert)]
    subprocess.run(
        [*command, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


@pytest.fixture
def server(certificate: tuple[Path, Path]) -> Iterator[tuple[int, Inbox]]:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        ready_timeout=5,
        tls_context=context,
        require_starttls=True,
        auth_required=True,
        auth_require_tls=True,
        authenticator=inbox.authenticate,
    )
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


def config(port: int, cert: Path, password: str, tls: str = "starttls") -> mail.SmtpConfig:
    return mail.SmtpConfig(
        host="127.0.0.1",
        port=port,
        sender="warroom@example.com",
        user="warroom",
        password=password,
        tls=tls,
        timeout=5.0,
        ssl_context=ssl.create_default_context(cafile=str(cert)),
    )


def message() -> Any:
    return mail.build_message(sender="warroom@example.com", to="bob@example.com", subject="Over TLS", body="secret")


def test_mail_goes_out_after_starttls_and_login(server, certificate):
    port, inbox = server
    mail.send(config(port, certificate[0], "s3cret-pass"), message())
    assert inbox.logins == [(b"warroom", True)]
    assert len(inbox.contents) == 1
    assert b"Subject: Over TLS" in inbox.contents[0]


def test_a_wrong_password_is_a_permanent_535(server, certificate):
    port, inbox = server
    with pytest.raises(mail.MailError) as failure:
        mail.send(config(port, certificate[0], "wrong"), message())
    assert (failure.value.permanent, failure.value.code) == (True, 535)
    assert inbox.contents == []


def test_without_starttls_the_login_is_unavailable_and_that_is_permanent(server, certificate):
    port, inbox = server
    with pytest.raises(mail.MailError) as failure:
        mail.send(config(port, certificate[0], "s3cret-pass", tls="none"), message())
    assert failure.value.permanent is True
    assert str(failure.value) == (
        f"127.0.0.1:{port}: SMTP AUTH extension not supported by server; check WARROOM_SMTP_TLS"
    )
    assert inbox.logins == []


def test_an_untrusted_certificate_is_refused_permanently(server):
    port, _inbox = server
    untrusting = mail.SmtpConfig(host="127.0.0.1", port=port, tls="starttls", timeout=5.0)
    with pytest.raises(mail.MailError, match="TLS certificate rejected") as failure:
        mail.send(untrusting, message())
    assert failure.value.permanent is True
