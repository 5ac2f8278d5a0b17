"""Page views are batched per process and written outside the request's transaction."""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from coaching import metrics
from coaching.extensions import db
from coaching.metrics import DailyCounter, ViewCounter


def _stored(app, metric):
    with app.app_context():
        return db.session.scalar(select(db.func.sum(DailyCounter.count))
                                 .where(DailyCounter.metric == metric)) or 0


def test_views_wait_for_the_flush_interval_then_land_in_one_write(make_app, coach):
    app = make_app(METRICS_FLUSH_SECONDS=3600)
    client = app.test_client()
    for _ in range(3):
        assert client.get("/book").status_code == 200
    assert _stored(app, "booking_page_view") == 0  # still in this process
    with app.app_context():
        app.extensions["view_counter"].flush()
    assert _stored(app, "booking_page_view") == 3


def test_exit_flush_writes_what_is_pending(make_app):
    app = make_app(METRICS_FLUSH_SECONDS=3600)
    with app.test_request_context():
        metrics.count_view("article_view")
    metrics._flush_all()
    assert _stored(app, "article_view") == 1


def test_a_failed_write_keeps_the_counts_for_the_next_flush(app, monkeypatch):
    counter = ViewCounter(flush_seconds=10**6)
    counter.pending[(datetime.now(UTC).date(), "article_view")] = 2
    real_upsert = metrics._upsert

    def locked(*args):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    with app.app_context():
        monkeypatch.setattr(metrics, "_upsert", locked)
        counter.flush()  # must not raise: a page view never fails for a counter
        assert sum(counter.pending.values()) == 2
        monkeypatch.setattr(metrics, "_upsert", real_upsert)
        counter.flush()
    assert _stored(app, "article_view") == 2
    assert not counter.pending


def test_unknown_metric_is_refused():
    counter = ViewCounter(flush_seconds=0)
    try:
        counter.add("clicks")
    except ValueError as error:
        assert "clicks" in str(error)
    else:
        raise AssertionError("an unknown metric was accepted")
