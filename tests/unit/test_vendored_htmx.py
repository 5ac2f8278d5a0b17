import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "static" / "vendor" / "htmx"


def _record() -> dict[str, str]:
    lines = (VENDOR / "VERSION").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


def test_vendored_htmx_matches_recorded_sha256():
    record = _record()
    data = (VENDOR / record["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == record["sha256"]


def test_vendored_htmx_is_version_4():
    record = _record()
    assert record["package"] == "htmx.org"
    assert record["version"].startswith("4.")
    data = (VENDOR / record["file"]).read_text()
    assert f'"{record["version"]}"' in data or f"'{record['version']}'" in data
