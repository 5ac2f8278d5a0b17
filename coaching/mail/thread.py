"""The development convenience: a worker thread inside the web process.

With `MAIL_WORKER_THREAD` on (the development default) the first request a
process serves starts one daemon thread that runs the normal worker loop, so
`make run` delivers mail with nothing else started. Starting on the first
request rather than in `create_app` keeps `flask db upgrade`, `seed` and the
tests from spawning threads. Production turns it off and runs
`flask mail worker` as its own service.
"""

from __future__ import annotations

import threading

from flask import Flask

from .worker import run_forever

_lock = threading.Lock()
DEV_POLL_SECONDS = 2.0


def start_on_first_request(app: Flask) -> None:
    """Register a before-request hook that starts the thread once per process."""
    if not app.config.get("MAIL_WORKER_THREAD"):
        return

    def ensure_worker_thread() -> None:
        if app.extensions.get("mail_worker_thread") is not None:
            return
        with _lock:
            if app.extensions.get("mail_worker_thread") is None:
                app.extensions["mail_worker_thread"] = start_thread(app)

    app.before_request(ensure_worker_thread)


def start_thread(app: Flask) -> threading.Thread:
    """Start the daemon worker thread for `app` and return it."""
    stop = threading.Event()
    poll = app.config.get("MAIL_POLL_SECONDS", DEV_POLL_SECONDS)
    thread = threading.Thread(
        target=run_forever, args=(app, stop, min(float(poll), DEV_POLL_SECONDS)),
        name="mail-worker", daemon=True,
    )
    thread.stop_event = stop  # type: ignore[attr-defined] - lets tests stop it
    thread.start()
    return thread
