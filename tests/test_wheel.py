"""The wheel carries templates/ and static/ and serves pages once installed."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_wheel_installs_and_serves_pages(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        check=True, capture_output=True,
    )
    wheel = next(dist.glob("coaching-*.whl"))

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    subprocess.run(
        [str(bin_dir / "pip"), "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        check=True, capture_output=True,
    )

    workdir = tmp_path / "run"  # away from the repository, so only the wheel is importable
    workdir.mkdir()
    env = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "COACHING_INSTANCE_PATH": str(workdir / "instance"),
        "MAIL_WORKER_THREAD": "false",
        "HOME": str(workdir),
    }
    located = subprocess.run(
        [str(bin_dir / "python"), "-c", "import coaching; print(coaching.__file__)"],
        cwd=workdir, env=env, check=True, capture_output=True, text=True,
    ).stdout
    assert str(env_dir) in located
    subprocess.run([str(bin_dir / "coaching"), "db", "upgrade"], cwd=workdir, env=env,
                   check=True, capture_output=True)

    port = _free_port()
    server = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "coaching:create_app()"],
        cwd=workdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        with urllib.request.urlopen(base + "/", timeout=5) as response:
            html = response.read().decode()
        assert "<main" in html and "skip-link" in html
        css_path = html.split('href="/static/css/site.css', 1)[1].split('"', 1)[0]
        with urllib.request.urlopen(base + "/static/css/site.css" + css_path, timeout=5) as css:
            assert b"--primary" in css.read()
        with urllib.request.urlopen(base + "/static/vendor/htmx/htmx.min.js", timeout=5) as js:
            assert len(js.read()) > 10_000
    finally:
        server.terminate()
        server.wait(timeout=10)
