"""The booking storm: 200 visitors at once want the next 10 slots; the database must not budge.

`python -m bench.storm [--clients 200] [--slots 10] [--workers 4]`

gunicorn with 4 workers on a private PostgreSQL database (BENCH_DATABASE_URL's
server, default postgres@127.0.0.1:5432). Each client is a thread with its
own cookie jar and the CSRF token from the booking form; all wait at a
barrier and then POST /book at once, client i asking for slot i mod 10.

Afterwards, in the database: exactly 10 bookings; every client that got a
303 has exactly one booking and nobody else has any; everyone else got a
409; the outbox holds exactly one `booking_confirmed` (to the visitor) and
one `coach_new_booking` (to the coach) per booking, and nothing else.

Choices, so the expected count is exactly 10:
* the 10 slots are the first free ones from /api/v1/slots that can all be
  booked together (a slot whose buffers overlap the previous pick is passed
  over: booking one would legitimately take the other);
* the demo coach's daily cap (8) is raised to 100 for the run, since the
  cap is not what the storm tests;
* rate limiting is off: 200 clients share one IP address here.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text

from tests.e2e.liveserver import FormClient, get, start_site

from . import databases


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def choose_slots(base_url: str, engine, wanted: int) -> list[str]:
    """Return the first `wanted` free slots that can all be booked together."""
    with engine.connect() as conn:
        before, after = conn.execute(text(
            "SELECT buffer_before_minutes, buffer_after_minutes FROM coach ORDER BY id LIMIT 1"
        )).one()
    today = date.today()
    status, _, body = get(f"{base_url}/api/v1/slots?start={today}&end={today + timedelta(days=21)}"
                          "&tz=Europe/London")
    if status != 200:
        raise SystemExit(f"/api/v1/slots answered {status}: the storm needs the booking feature")
    chosen, blocked_until = [], None
    for slot in json.loads(body)["slots"]:
        start, end = _parse(slot["start"]), _parse(slot["end"])
        if blocked_until is None or start - timedelta(minutes=before) >= blocked_until:
            chosen.append(slot["start"])
            blocked_until = end + timedelta(minutes=after)
        if len(chosen) == wanted:
            return chosen
    raise SystemExit(f"only {len(chosen)} bookable slots in the next 3 weeks")


def storm(base_url: str, slots: list[str], clients: int) -> dict[int, tuple[str, int]]:
    """Release `clients` bookers together; return {client: (email, status)}."""
    barrier = threading.Barrier(clients)
    results: dict[int, tuple[str, int]] = {}
    errors: list[str] = []

    def visitor(i: int) -> None:
        email = f"storm-{i}@example.com"
        client = FormClient(base_url)
        start = slots[i % len(slots)]
        try:
            token = client.csrf_token("/book", f"/book?start={quote(start)}")
        except Exception as exc:  # noqa: BLE001 - reported below, the barrier must not hang
            errors.append(f"client {i}: {exc}")
            barrier.abort()
            return
        try:
            barrier.wait(timeout=120)
        except threading.BrokenBarrierError:
            return
        status, _, _ = client.request("POST", "/book", {
            "csrf_token": token, "start": start, "tz": "Europe/London",
            "name": f"Storm Visitor {i}", "email": email, "phone": "", "message": "",
            "agree": "y",
        }, timeout=120)
        results[i] = (email, status)

    threads = [threading.Thread(target=visitor, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit("clients could not get a form:\n" + "\n".join(errors[:5]))
    return results


def verify(engine, results: dict[int, tuple[str, int]], wanted: int) -> list[str]:
    """Return what is wrong with the database after the storm (empty: all good)."""
    problems = []
    with engine.connect() as conn:
        bookings = conn.execute(text(
            "SELECT id, visitor_email, status FROM booking ORDER BY id")).all()
        outbox = conn.execute(text(
            "SELECT kind, recipient, booking_id FROM outbox_email ORDER BY id")).all()
        coach_email = conn.execute(text("SELECT email FROM coach ORDER BY id LIMIT 1")).scalar()
    statuses = Counter(status for _, status in results.values())
    winners = {email for email, status in results.values() if status == 303}
    if len(bookings) != wanted:
        problems.append(f"{len(bookings)} bookings in the database, expected exactly {wanted}")
    if len(winners) != wanted:
        problems.append(f"{len(winners)} clients got 303, expected {wanted}")
    odd = {s: n for s, n in statuses.items() if s not in (303, 409)}
    if odd:
        problems.append(f"answers other than 303 and 409: {odd}")
    per_email = Counter(email for _, email, _ in bookings)
    for email in winners:
        if per_email[email] != 1:
            problems.append(f"{email} got a 303 but has {per_email[email]} bookings")
    strangers = set(per_email) - winners
    if strangers:
        problems.append(f"bookings for clients that did not get a 303: {sorted(strangers)}")
    expected_mail = Counter()
    for booking_id, email, _ in bookings:
        expected_mail[("booking_confirmed", email, booking_id)] += 1
        expected_mail[("coach_new_booking", coach_email, booking_id)] += 1
    actual_mail = Counter((kind, recipient, booking_id) for kind, recipient, booking_id in outbox)
    if actual_mail != expected_mail:
        missing = expected_mail - actual_mail
        extra = actual_mail - expected_mail
        problems.append(f"outbox differs: missing {dict(missing)}, unexpected {dict(extra)}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.storm", description=__doc__)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--slots", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    opts = parser.parse_args(argv)

    with databases.private_postgres("coaching_storm") as url, \
            tempfile.TemporaryDirectory(prefix="coaching-storm-") as tmp:
        site = start_site(database_url=url, instance=Path(tmp), workers=opts.workers,
                          with_worker=False)
        engine = create_engine(url)
        try:
            databases.set_demo_cap(url, 100)
            slots = choose_slots(site.url, engine, opts.slots)
            print(f"{opts.clients} clients -> {opts.slots} slots from {slots[0]} "
                  f"(gunicorn {opts.workers} workers, PostgreSQL)")
            results = storm(site.url, slots, opts.clients)
            problems = verify(engine, results, opts.slots)
        finally:
            engine.dispose()
            site.stop()
    statuses = Counter(status for _, status in results.values())
    print("answers: " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())))
    if problems:
        print("VERDICT: FAIL\n- " + "\n- ".join(problems))
        return 1
    print(f"VERDICT: PASS - exactly {opts.slots} bookings, one per 303, none for the "
          f"{opts.clients - opts.slots} others, and {2 * opts.slots} matching outbox emails")
    return 0


if __name__ == "__main__":
    sys.exit(main())
