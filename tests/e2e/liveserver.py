"""Run the site as real processes: gunicorn, the mail worker and `flask` commands.

Used by the browser tests (tests/e2e/conftest.py), the benchmarks (`python -m
bench`) and the production rehearsal, so all three start the site the same
way an operator does. Nothing here imports the application: it only talks to
it through processes and HTTP, like the real world does.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TEST_SECRET = "e2e-secret-key-that-is-long-enough-for-production-checks"

# Variables of the developer's shell that would leak into the site under test.
_SITE_VARIABLES = (
    "DATABASE_URL", "SECRET_KEY", "COACHING_ENV", "MAIL_URL", "MAIL_WORKER_THREAD",
    "RATELIMIT_STORAGE_URI", "RATELIMIT_ENABLED", "PUBLIC_BASE_URL", "PROXY_FIX_HOPS",
    "COACHING_INSTANCE_PATH", "FLASK_APP", "FLASK_DEBUG",
)


def _tls_context(url: str):
    """Accept the rehearsal's self-signed certificate, and only on 127.0.0.1."""
    import ssl

    if url.startswith("https://127.0.0.1:"):
        return ssl._create_unverified_context()  # noqa: S323 - a local test certificate
    return None


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """Make a throwaway certificate for 127.0.0.1 with openssl; return (cert, key)."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
         "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )
    return cert, key


def free_port() -> int:
    """Return a TCP port that was free a moment ago (bind to port 0, never a fixed one)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_env(*, database_url: str, instance: Path, port: int, **overrides: str) -> dict[str, str]:
    """Return the environment of a development-mode site on a private database."""
    env = {k: v for k, v in os.environ.items() if k not in _SITE_VARIABLES}
    env.update(
        COACHING_ENV="development",
        SECRET_KEY=TEST_SECRET,
        DATABASE_URL=database_url,
        COACHING_INSTANCE_PATH=str(instance),
        MAIL_URL=f"file://{instance / 'mail'}",
        MAIL_WORKER_THREAD="false",
        RATELIMIT_ENABLED="false",
        RATELIMIT_STORAGE_URI="memory://",
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


def flask(args: list[str], env: dict[str, str], *, check: bool = True,
          timeout: float = 180) -> subprocess.CompletedProcess:
    """Run `flask --app coaching <args>` and return the finished process."""
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "coaching", *args],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout,
    )
    if check and result.returncode != 0:
        raise RuntimeError(
            f"flask {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result


def mail_worker_available(env: dict[str, str]) -> bool:
    """Tell whether this checkout has the `flask mail worker` command yet."""
    return flask(["mail", "worker", "--help"], env, check=False).returncode == 0


@dataclass
class Credentials:
    email: str
    password: str


LOGIN_RE = re.compile(r"Dashboard login:\s*(\S+)\s*/\s*(\S+)")


def prepare_database(env: dict[str, str], *, seed: bool = True) -> Credentials | None:
    """Migrate the database in `env` and seed the demo data; return the printed login."""
    flask(["db", "upgrade"], env)
    if not seed:
        return None
    output = flask(["seed", "demo"], env).stdout
    match = LOGIN_RE.search(output)
    if not match:
        raise RuntimeError(f"`seed demo` printed no dashboard login:\n{output}")
    return Credentials(email=match.group(1), password=match.group(2))


@dataclass
class Process:
    """A child process whose output goes to a log file we can quote on failure."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    popen: subprocess.Popen | None = field(default=None, repr=False)

    def start(self) -> Process:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        # A new session so stop() can signal the whole group (gunicorn and its workers).
        self.popen = subprocess.Popen(
            self.argv, env=self.env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def log_tail(self, lines: int = 60) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 15) -> None:
        if not self.running:
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout)


def gunicorn(*, env: dict[str, str], port: int, log_path: Path, workers: int = 2,
             app: str = "coaching:create_app()", extra: tuple[str, ...] = (),
             tls: tuple[Path, Path] | None = None) -> Process:
    """Start gunicorn as production does, and wait until /healthz answers."""
    if tls is not None:
        extra = (*extra, "--certfile", str(tls[0]), "--keyfile", str(tls[1]))
    argv = [
        str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
        "--graceful-timeout", "5", "--error-logfile", "-", *extra, app,
    ]
    process = Process("gunicorn", argv, env, log_path).start()
    try:
        scheme = "https" if tls is not None else "http"
        wait_until_healthy(f"{scheme}://127.0.0.1:{port}", process)
    except Exception:
        process.stop()
        raise
    return process


def mail_worker(*, env: dict[str, str], log_path: Path) -> Process:
    """Start `flask mail worker` as its own process, the way production runs it."""
    argv = [str(BIN / "flask"), "--app", "coaching", "mail", "worker"]
    process = Process("mail worker", argv, env, log_path).start()
    time.sleep(0.5)
    if not process.running:
        raise RuntimeError(f"the mail worker exited at once:\n{process.log_tail()}")
    return process


def wait_until_healthy(base_url: str, process: Process, timeout: float = 60) -> None:
    """Poll /healthz until it answers 200; fail with the server log if it never does."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if not process.running:
            raise RuntimeError(f"{process.name} exited during start-up:\n{process.log_tail()}")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2,
                                        context=_tls_context(base_url)) as response:
                if response.status == 200:
                    return
                last = f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}"
        except OSError as exc:
            last = str(exc)
        time.sleep(0.2)
    raise RuntimeError(f"{base_url}/healthz never answered 200 ({last}):\n{process.log_tail()}")


@dataclass
class Site:
    """A running site: where it answers, where its mail lands, how to log in."""

    url: str
    env: dict[str, str]
    instance: Path
    database_url: str
    credentials: Credentials | None
    server: Process
    worker: Process | None

    @property
    def mail_dir(self) -> Path:
        return self.instance / "mail"

    def stop(self) -> None:
        for process in (self.worker, self.server):
            if process is not None:
                process.stop()


def start_site(*, database_url: str, instance: Path, workers: int = 2,
               app: str = "coaching:create_app()", seed: bool = True,
               with_worker: bool = True, **env_overrides: str) -> Site:
    """Migrate, seed and serve a site on a free port, with a mail worker when one exists."""
    instance.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = site_env(database_url=database_url, instance=instance, port=port, **env_overrides)
    credentials = prepare_database(env, seed=seed)
    worker = None
    if with_worker and mail_worker_available(env):
        worker = mail_worker(env=env, log_path=instance / "mail-worker.log")
    try:
        server = gunicorn(env=env, port=port, workers=workers, app=app,
                          log_path=instance / "gunicorn.log")
    except Exception:
        if worker is not None:
            worker.stop()
        raise
    return Site(url=f"http://127.0.0.1:{port}", env=env, instance=instance,
                database_url=database_url, credentials=credentials, server=server,
                worker=worker)


def get(url: str, headers: dict[str, str] | None = None,
        timeout: float = 10) -> tuple[int, Message, bytes]:
    """GET `url` without following redirects; return status, headers and body."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    handlers = [NoRedirect]
    if _tls_context(url) is not None:
        handlers.append(urllib.request.HTTPSHandler(context=_tls_context(url)))
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class FormClient:
    """A visitor without a browser: its own cookie jar, CSRF token from a form, no redirects.

    Built on urllib only, so the storm can run hundreds in threads.
    """

    def __init__(self, base_url: str, headers: dict[str, str] | None = None):
        import http.cookiejar

        self.base_url = base_url
        self.headers = headers or {}
        self.cookies = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        handlers = [urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect]
        if _tls_context(base_url) is not None:
            handlers.append(urllib.request.HTTPSHandler(context=_tls_context(base_url)))
        self.opener = urllib.request.build_opener(*handlers)
        self.last_page = base_url + "/"

    def request(self, method: str, path: str, data: dict[str, str] | None = None,
                headers: dict[str, str] | None = None, timeout: float = 30):
        """Send one request; return (status, headers, body text)."""
        from urllib.parse import urlencode

        body = urlencode(data).encode() if data is not None else None
        # Browsers send the page the form came from; Flask-WTF insists on it over HTTPS.
        sent = {"Referer": self.last_page, **self.headers, **(headers or {})}
        request = urllib.request.Request(self.base_url + path, data=body, method=method,
                                         headers=sent)
        if method == "GET":
            self.last_page = self.base_url + path
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.headers, response.read().decode(errors="replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers, exc.read().decode(errors="replace")

    def csrf_token(self, *paths: str) -> str:
        """Return the CSRF token of the first of `paths` whose page has a form."""
        for path in paths:
            status, _, html = self.request("GET", path)
            match = CSRF_RE.search(html)
            if status == 200 and match:
                return match.group(1)
        raise RuntimeError(f"none of {paths} has a form with a csrf_token")
