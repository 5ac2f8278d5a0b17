"""Each dashboard page renders for the coach, with numbers and bookings in the coach's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from coaching.dashboard.charts import bar_chart

from .conftest import login


def test_every_page_renders_with_noindex_and_no_store(coach_client, booking_factory):
    booking_id = booking_factory()
    for path in ("/dashboard/", "/dashboard/bookings", "/dashboard/availability",
                 "/dashboard/mail", "/dashboard/account", f"/dashboard/bookings/{booking_id}"):
        response = coach_client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
        assert b'<meta name="robots" content="noindex' in response.data, path
        assert b'aria-label="Dashboard"' in response.data, path


def test_nav_skips_endpoints_this_branch_lacks(app, coach_client):
    page = coach_client.get("/dashboard/").data.decode()
    start = page.index('aria-label="Dashboard"')
    html = page[start:page.index("</nav>", start)]
    for label in ("Overview", "Bookings", "Availability", "Mail", "Account", "Log out"):
        assert label in html
    for endpoint, label in (("dashboard.articles", ">Articles<"),
                            ("dashboard.privacy", ">Privacy<")):
        assert (label in html) == (endpoint in app.view_functions)


def test_overview_lists_the_week_ahead_in_the_coachs_zone(client, booking_factory):
    # 23:30 UTC on 1 July is 00:30 on 2 July in London (BST): it belongs to the 2nd.
    with time_machine.travel(datetime(2027, 7, 1, 9, 0, tzinfo=UTC), tick=False):
        booking_factory(datetime(2027, 7, 1, 23, 30, tzinfo=UTC), name="Late Lou")
        booking_factory(datetime(2027, 7, 20, 10, 0, tzinfo=UTC), name="Far Away Fay")
        assert login(client).status_code == 303
        html = client.get("/dashboard/").data.decode()
    assert "Today, Thursday 1 July" in html
    thursday = html.index("Friday 2 July")
    assert html.index("Late Lou") > thursday
    assert "00:30" in html
    assert "Far Away Fay" not in html


def test_overview_counts_and_funnel(app, coach_client, booking_factory):
    from coaching import metrics
    from coaching.extensions import db

    now = datetime.now(UTC)
    with app.app_context():
        metrics.count("article_view", by=200)
        metrics.count("assessment_complete", by=50)
        metrics.count("booking_made", by=10)
        metrics.count("booking_cancelled", by=2)
        metrics.count("article_view", at=now - timedelta(days=45), by=999)
        db.session.commit()
    booking_factory(now - timedelta(days=3), status="no_show")
    html = coach_client.get("/dashboard/").data.decode()
    assert "<dd>200</dd>" in html and "<dd>50</dd>" in html and "<dd>10</dd>" in html
    assert "<dd>2</dd>" in html and "<dd>1</dd>" in html
    assert "999" not in html
    assert 'role="img"' in html and "<title id=\"funnel-svg-title\">" in html
    assert "Article views: 200; Assessments completed: 50; Bookings made: 10." in html
    assert "<td>25%</td>" in html and "<td>5%</td>" in html


def test_bar_chart_scales_to_the_largest_value():
    chart = bar_chart([("a", 200), ("b", 50), ("c", 0)], width=300)
    assert [bar.width for bar in chart["bars"]] == [300, 75, 0]
    assert [bar.percent_of_first for bar in chart["bars"]] == [None, 25, 0]
    empty = bar_chart([("a", 0), ("b", 0)])
    assert [bar.width for bar in empty["bars"]] == [0, 0]


def test_missing_booking_is_404(coach_client):
    assert coach_client.get("/dashboard/bookings/9999").status_code == 404


def test_another_coachs_booking_is_404(app, coach_client):
    from coaching.booking.models import Coach
    from coaching.extensions import db

    from .conftest import insert_booking

    with app.app_context():
        other = Coach(name="Other", email="other@example.org", password_hash="x")
        db.session.add(other)
        db.session.commit()
        booking_id = insert_booking(other.id, datetime.now(UTC) + timedelta(days=1))
    assert coach_client.get(f"/dashboard/bookings/{booking_id}").status_code == 404


