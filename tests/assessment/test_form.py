"""The assessment without JavaScript: one form, stored result, tampered input refused."""

from __future__ import annotations

import re
from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from coaching import metrics

from .helpers import HX, ITEMS, RESULT_PATH, full_answers


def today_totals(app) -> dict[str, int]:
    from coaching.db_types import utcnow

    with app.app_context():
        day = utcnow().date()
        return metrics.totals(day, day)


def test_form_is_accessible_and_nothing_is_preselected(client, app):
    response = client.get("/assessment")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # Only the assessment's own form: the cookie banner has fieldsets of its own.
    start = page.index('<form class="assessment-form"')
    html = page[start:page.index("</form>", start) + len("</form>")]
    assert html.count("<fieldset") == len(ITEMS)
    assert html.count("<legend") == len(ITEMS)
    assert html.count('type="radio"') == len(ITEMS) * 5
    assert " checked" not in html
    for item in ITEMS:
        for value in range(1, 6):
            assert f'id="q_{item.id}-{value}"' in html
            assert f'<label for="q_{item.id}-{value}">' in html
        assert item.text.replace("'", "&#39;") in html
    assert 'name="csrf_token"' in html
    # The htmx version takes over only if htmx runs: a load trigger, no script of ours.
    assert 'hx-get="/assessment?step=1" hx-trigger="load"' in page
    assert "Vary" in response.headers and "HX-Request" in response.headers["Vary"]


def test_first_page_counts_a_start_but_htmx_steps_do_not(client, app):
    client.get("/assessment")
    client.get("/assessment?step=1", headers=HX)
    client.get("/assessment", headers=HX)
    client.get("/assessment", headers={**HX, "HX-History-Restore-Request": "true"})
    client.head("/assessment")
    assert today_totals(app)["assessment_start"] == 1
    client.get("/assessment")
    assert today_totals(app)["assessment_start"] == 2


def test_full_submission_stores_result_and_redirects(client, app, token, stored_count):
    data = {"csrf_token": token, **full_answers("4")}
    response = client.post("/assessment", data=data)
    assert response.status_code == 303
    match = RESULT_PATH.match(response.headers["Location"])
    assert match, response.headers["Location"]
    public_id = match.group(1)
    assert stored_count() == 1
    assert today_totals(app)["assessment_complete"] == 1

    from coaching.assessment.services import get_result

    with app.app_context():
        stored = get_result(public_id)
        assert stored.answers == {item.id: 4 for item in ITEMS}
        assert stored.orientation == "between"
        assert stored.scores["overall"] == 50.0
        assert stored.instrument_version == "2026-11.1"

    # A fresh visitor (no session yet): the page has no form, so it must not set a cookie.
    page = app.test_client().get(response.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert page.headers["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in html
    assert f'href="/book?result={public_id}"' in html
    assert "In between" in html
    assert "Pay and necessity" in html
    assert "15-minute" in html
    assert "Set-Cookie" not in page.headers


def test_career_answers_give_career_result(client, token):
    data = {"csrf_token": token}
    for item in ITEMS:
        data[f"q_{item.id}"] = "1" if item.reverse else "5"
    response = client.post("/assessment", data=data, follow_redirects=True)
    assert response.status_code == 200
    assert "Career-oriented" in response.get_data(as_text=True)


def _missing_one(data):
    del data[f"q_{ITEMS[3].id}"]
    return data


TAMPERED = {
    "value too high": (
        lambda d: {**d, f"q_{ITEMS[0].id}": "6"},
        "Choose one of the five answers for question 1.",
    ),
    "value zero": (lambda d: {**d, f"q_{ITEMS[0].id}": "0"}, "question 1"),
    "negative": (lambda d: {**d, f"q_{ITEMS[1].id}": "-1"}, "question 2"),
    "decimal": (lambda d: {**d, f"q_{ITEMS[1].id}": "3.5"}, "question 2"),
    "text": (lambda d: {**d, f"q_{ITEMS[2].id}": "<script>x</script>"}, "question 3"),
    "empty": (lambda d: {**d, f"q_{ITEMS[2].id}": ""}, "question 3"),
    "unknown item": (lambda d: {**d, "q_bogus": "3"}, "questions we did not ask"),
    "unknown field": (lambda d: {**d, "name": "Ada"}, "questions we did not ask"),
    "missing item": (_missing_one, "Choose an answer for question 4."),
    "nothing answered": (lambda d: {"csrf_token": d["csrf_token"]}, "question 12"),
    "long value": (lambda d: {**d, f"q_{ITEMS[0].id}": "3" * 5000}, "question 1"),
    "huge value": (lambda d: {**d, f"q_{ITEMS[0].id}": "3" * 100_000}, "far larger than this form"),
    "many fields": (
        lambda d: {**d, **{f"q_x{n}": "3" for n in range(900)}},
        "far larger than this form",
    ),
}


@pytest.mark.parametrize("case", list(TAMPERED), ids=list(TAMPERED))
def test_tampered_input_is_refused_with_a_message(client, token, stored_count, case):
    change, message = TAMPERED[case]
    data = change({"csrf_token": token, **full_answers("3")})
    response = client.post("/assessment", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    assert message in html
    assert "<script>x" not in html
    assert stored_count() == 0


def test_duplicated_answer_is_refused(client, token, stored_count):
    name = f"q_{ITEMS[4].id}"
    body = MultiDict([("csrf_token", token), *full_answers("3").items(), (name, "4")])
    response = client.post("/assessment", data=body)
    assert response.status_code == 422
    assert "Question 5 was answered more than once" in response.get_data(as_text=True)
    assert stored_count() == 0


def test_errors_are_tied_to_their_statement(client, token):
    data = {"csrf_token": token, **full_answers("3")}
    del data[f"q_{ITEMS[1].id}"]
    data[f"q_{ITEMS[0].id}"] = "9"
    html = client.post("/assessment", data=data).get_data(as_text=True)
    for item in ITEMS[:2]:
        name = f"q_{item.id}"
        assert re.search(rf'<fieldset [^>]*id="{name}"\s+aria-describedby="{name}-error">', html)
        assert f'<p class="field-errors" id="{name}-error">' in html
        assert f'<a href="#{name}-1">' in html
    # Valid answers survive the round trip; the refused ones are not kept.
    assert html.count(" checked") == len(ITEMS) - 2
    assert 'hx-trigger="load"' not in html


def test_body_over_the_site_limit_is_refused_without_storing(client, token, stored_count):
    data = {"csrf_token": token, **full_answers("3"), "pad": "x" * 300_000}
    response = client.post("/assessment", data=data)
    assert response.status_code == 413
    assert stored_count() == 0


def test_post_without_csrf_token_is_refused(client, stored_count):
    response = client.post("/assessment", data=full_answers("3"))
    assert response.status_code == 400
    assert stored_count() == 0


def test_post_with_wrong_csrf_token_is_refused(client, token, stored_count):
    response = client.post("/assessment", data={"csrf_token": token + "x", **full_answers()})
    assert response.status_code == 400
    assert stored_count() == 0


@pytest.mark.parametrize(
    "public_id",
    ["A" * 43, "short", "x" * 44, "has%20space" + "a" * 32, "../../etc/passwd"],
)
def test_unknown_result_is_not_found(client, public_id):
    response = client.get(f"/assessment/results/{public_id}")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "step", ["0", "13", "abc", "-1", "1.5", "99999999999999999999", "²", "١", " 1", ""]
)
def test_bad_step_in_address_is_not_found(client, step):
    assert client.get(f"/assessment?step={step}").status_code == 404


def test_result_page_date_is_formatted_for_people(client, token):
    response = client.post("/assessment", data={"csrf_token": token, **full_answers()},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    assert re.search(r"Taken on \d{1,2} [A-Z][a-z]+ \d{4}", html)
    assert str(date.today().year) in html
