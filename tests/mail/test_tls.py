"""STARTTLS and implicit TLS with login, against a real aiosmtpd server and certificate."""

from __future__ import annotations

import ssl
import subprocess

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from coaching.mail.backends import backend_from_url
from coaching.mail.message import build_message

from .conftest import EphemeralController, RecordingHandler
from .test_backends_and_cli import sample_row


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    """A throwaway self-signed certificate for 127.0.0.1, trusted by this test only."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    # ssl.create_default_context() loads the default verify paths, which honour this.
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def authenticator(logins):
    def check(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login, auth_data.password) == (b"mailer", b"s3cret:/@")
        logins.append((mechanism, ok))
        return AuthResult(success=ok)

    return check


@pytest.fixture
def tls_server(certificate, request):
    handler, logins = RecordingHandler(), []
    mode = request.param
    if mode == "starttls":
        options = {"tls_context": certificate, "require_starttls": True,
                   "auth_require_tls": True}
    else:
        # aiosmtpd does not count implicit TLS as TLS for AUTH; the socket is TLS anyway.
        options = {"ssl_context": certificate, "auth_require_tls": False}
    controller = EphemeralController(
        handler, hostname="127.0.0.1", port=0, authenticator=authenticator(logins), **options,
    )
    controller.start()
    yield mode, controller.port, handler, logins
    controller.stop()


@pytest.mark.parametrize("tls_server", ["starttls", "smtps"], indirect=True)
def test_tls_and_login(tls_server):
    mode, port, handler, logins = tls_server
    scheme = "smtp" if mode == "starttls" else "smtps"
    extra = "?starttls=required&timeout=5" if mode == "starttls" else "?timeout=5"
    backend = backend_from_url(f"{scheme}://mailer:s3cret%3A%2F%40@127.0.0.1:{port}{extra}")
    backend.send(build_message(sample_row(), mail_from="a@b.test"), "to@example.org")
    assert logins and all(ok for _, ok in logins)
    (received,) = handler.received
    assert received["Message-ID"] == "<abc@compass.test>"


@pytest.mark.parametrize("tls_server", ["starttls"], indirect=True)
def test_wrong_password_is_a_delivery_error(tls_server):
    from coaching.mail.backends import DeliveryError

    _, port, handler, _ = tls_server
    backend = backend_from_url(f"smtp://mailer:wrong@127.0.0.1:{port}?timeout=2")
    with pytest.raises(DeliveryError):
        backend.send(build_message(sample_row(), mail_from="a@b.test"), "to@example.org")
    assert handler.received == []
