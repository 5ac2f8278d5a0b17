"""Time the slot maths: 90 days of a demo coach with 1,000 existing bookings.

Run: .venv/bin/python bench/availability_bench.py   (not part of the test suite)
Prints the median of repeated runs; the target is 5 ms or less.
"""

from __future__ import annotations

import random
import statistics
import time as clock
from datetime import UTC, datetime, time, timedelta

from coaching.booking.availability import Busy, Hours, Rules, free_slots

RUNS = 51


def scenario(bookings: int = 1000, days: int = 90):
    rules = Rules(timezone="Europe/London", slot_minutes=15, step_minutes=15,
                  buffer_before_minutes=5, buffer_after_minutes=5, min_notice_hours=12,
                  horizon_days=days, max_per_day=100)
    weekly = [Hours(d, time(9), time(17)) for d in range(5)]
    now = datetime(2026, 3, 1, 8, tzinfo=UTC)  # the range crosses the March clock change
    rng = random.Random(1)
    busy = []
    for _ in range(bookings):
        start = now + timedelta(minutes=15 * rng.randrange(days * 96))
        busy.append(Busy(start, start - timedelta(minutes=5), start + timedelta(minutes=20)))
    return rules, weekly, [], busy, now, now, now + timedelta(days=days)


def calibration_ms() -> float:
    """Time a fixed pure-Python loop, to compare this machine's speed between runs."""
    began = clock.thread_time()
    total = 0
    for i in range(1_000_000):
        total += i
    return (clock.thread_time() - began) * 1000


def main() -> None:
    args = scenario()
    timings, cpu = [], []
    for _ in range(RUNS):
        began, began_cpu = clock.perf_counter(), clock.thread_time()
        slots = free_slots(*args)
        cpu.append((clock.thread_time() - began_cpu) * 1000)
        timings.append((clock.perf_counter() - began) * 1000)
    median = statistics.median(timings)
    # Wall time suffers when other processes share the CPU; thread CPU time much less.
    print(f"free_slots: 90 days, 1,000 bookings, {len(slots)} free slots, {RUNS} runs")
    print(f"wall: median {median:.2f} ms (min {min(timings):.2f}, max {max(timings):.2f})")
    print(f"cpu:  median {statistics.median(cpu):.2f} ms (min {min(cpu):.2f})")
    print(f"target <= 5 ms (median wall): {'met' if median <= 5 else 'MISSED'}")
    print(f"calibration: a 1e6-step Python loop took {calibration_ms():.1f} ms CPU here "
          "(compare machines and runs by this figure)")


if __name__ == "__main__":
    main()
