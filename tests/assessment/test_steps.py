"""The htmx flow: one statement at a time, stateless, with the result swapped in."""

from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import MultiDict

from .helpers import HX, ITEMS, RESULT_PATH

TOTAL = len(ITEMS)


def step_post(client, token, step, answers, go="next", headers=HX):
    """Post one step the way the step form does: hidden earlier answers plus the current one."""
    data = {"csrf_token": token, "step": str(step), "go": go}
    data.update({f"q_{item_id}": str(value) for item_id, value in answers.items()})
    return client.post("/assessment", data=data, headers=headers)


def hidden_answers(html: str) -> dict[str, int]:
    return {
        name: int(value)
        for name, value in re.findall(r'<input type="hidden" name="q_(\w+)" value="(\d)">', html)
    }


def checked(html: str) -> dict[str, int]:
    return {
        name: int(value)
        for name, value in re.findall(r'name="q_(\w+)" id="q_\w+-\d" value="(\d)" checked', html)
    }


def test_first_step_is_a_fragment_without_focus_grab(client):
    response = client.get("/assessment?step=1", headers=HX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert f"Question 1 of {TOTAL}" in html
    assert f'<progress max="{TOTAL}" value="1">' in html
    assert html.count("<fieldset") == 1
    assert "data-focus-after-swap" not in html
    assert 'value="back"' not in html
    assert " checked" not in html
    assert 'hx-target="closest .assessment"' in html
    assert "<title>Question 1 of" in html


def test_step_without_htmx_is_a_full_page(client):
    response = client.get("/assessment?step=3")
    html = response.get_data(as_text=True)
    assert html.startswith("<!doctype html>")
    assert f"Question 3 of {TOTAL}" in html
    assert "<title>Question 3 of" in html


def test_next_moves_on_and_carries_the_answer(client, token):
    response = step_post(client, token, 1, {ITEMS[0].id: 2})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"Question 2 of {TOTAL}" in html
    assert hidden_answers(html) == {ITEMS[0].id: 2}
    assert re.search(r"<legend [^>]*data-focus-after-swap", html)
    assert 'name="go" value="back"' in html


def test_back_keeps_every_answer(client, token):
    answers = {ITEMS[0].id: 1, ITEMS[1].id: 5, ITEMS[2].id: 4, ITEMS[3].id: 2}
    # On step 3 with step 4 already answered earlier: going back to 2 keeps all four.
    response = step_post(client, token, 3, answers, go="back")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"Question 2 of {TOTAL}" in html
    assert checked(html) == {ITEMS[1].id: 5}
    assert hidden_answers(html) == {ITEMS[0].id: 1, ITEMS[2].id: 4, ITEMS[3].id: 2}
    # ...and going forward again shows the answer given before.
    forward = step_post(client, token, 2, answers).get_data(as_text=True)
    assert checked(forward) == {ITEMS[2].id: 4}


def test_back_does_not_need_an_answer(client, token):
    response = step_post(client, token, 2, {}, go="back")
    assert response.status_code == 200
    assert f"Question 1 of {TOTAL}" in response.get_data(as_text=True)


def test_next_without_answer_gives_inline_422(client, token, stored_count):
    response = step_post(client, token, 4, {item.id: 3 for item in ITEMS[:3]})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert f"Question 4 of {TOTAL}" in html
    assert "Choose an answer for question 4." in html
    assert 'aria-describedby="q_' + ITEMS[3].id + '-error"' in html
    assert re.search(r'class="error-summary"[^>]*data-focus-after-swap', html)
    assert hidden_answers(html) == {item.id: 3 for item in ITEMS[:3]}
    assert stored_count() == 0


def test_walking_through_every_step_swaps_in_the_result(client, app, token, stored_count):
    answers = {}
    for number, item in enumerate(ITEMS, 1):
        answers[item.id] = 1 if item.reverse else 5
        response = step_post(client, token, number, answers)
        assert response.status_code == 200
        if number < TOTAL:
            assert f"Question {number + 1} of {TOTAL}" in response.get_data(as_text=True)
            assert stored_count() == 0
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert "Career-oriented" in html
    assert re.search(r"<h1 data-focus-after-swap", html)
    assert "<title>Your result: Career-oriented" in html
    pushed = response.headers["HX-Push-Url"]
    public_id = RESULT_PATH.match(pushed).group(1)
    assert f"/book?result={public_id}" in html
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert "HX-Request" in response.headers["Vary"]
    assert stored_count() == 1
    # The pushed address serves the full page on a reload.
    page = client.get(pushed)
    assert page.status_code == 200
    assert page.get_data(as_text=True).startswith("<!doctype html>")


def test_last_step_without_htmx_redirects(client, token, stored_count):
    answers = {item.id: 3 for item in ITEMS}
    response = step_post(client, token, TOTAL, answers, headers={})
    assert response.status_code == 303
    assert RESULT_PATH.match(response.headers["Location"])
    assert stored_count() == 1


def test_last_step_with_earlier_answers_missing_goes_back_to_the_first_gap(
    client, token, stored_count
):
    answers = {item.id: 3 for item in ITEMS}
    del answers[ITEMS[5].id]
    del answers[ITEMS[8].id]
    response = step_post(client, token, TOTAL, answers)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f"Question 6 of {TOTAL}" in html
    assert "Choose an answer for question 6." in html
    assert "Choose an answer for question 9." in html  # listed, not linked: not on this page
    assert '<a href="#q_' + ITEMS[8].id + '-1">' not in html
    assert stored_count() == 0


STEP_TAMPERING = {
    "step out of range": ({"step": "13"}, "lost track of which question"),
    "step not a number": ({"step": "two"}, "lost track of which question"),
    "step a superscript digit": ({"step": "²"}, "lost track of which question"),
    "unknown direction": ({"go": "sideways"}, "which way to go"),
    "hidden answer off the scale": ({f"q_{ITEMS[0].id}": "7"}, "question 1"),
    "unknown hidden item": ({"q_salary": "3"}, "questions we did not ask"),
}


@pytest.mark.parametrize("case", list(STEP_TAMPERING), ids=list(STEP_TAMPERING))
def test_tampered_step_is_refused(client, token, stored_count, case):
    change, message = STEP_TAMPERING[case]
    data = {"csrf_token": token, "step": str(TOTAL), "go": "next"}
    data.update({f"q_{item.id}": "3" for item in ITEMS})
    data.update(change)
    response = client.post("/assessment", data=data, headers=HX)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored_count() == 0


def test_repeated_step_field_is_refused(client, token, stored_count):
    data = MultiDict([("csrf_token", token), ("step", "1"), ("step", "12"), ("go", "next")])
    for item in ITEMS:
        data.add(f"q_{item.id}", "3")
    response = client.post("/assessment", data=data, headers=HX)
    assert response.status_code == 422
    assert stored_count() == 0


def test_step_without_csrf_token_is_refused(client, stored_count):
    response = client.post("/assessment", data={"step": "1", "go": "next"}, headers=HX)
    assert response.status_code == 400
    assert stored_count() == 0
