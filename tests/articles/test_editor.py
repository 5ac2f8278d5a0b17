"""The coach's article editor: login, CSRF, validation, preview, draft and publish."""

from __future__ import annotations

import re

from tests.conftest import csrf_from

from .conftest import make_article

ARTICLE = "/articles/career-or-job"


def _form(client, path: str, **changes) -> dict:
    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    data = {"csrf_token": csrf_from(html), "title": "Career or job?", "slug": "career-or-job",
            "summary": "A summary.", "body_markdown": "## Heading\n\nBody text.",
            "action": "publish",
            "version": re.search(r'name="version" value="(\d+)"', html).group(1)}
    data.update(changes)
    return data


def test_editor_requires_login(client, seeded):
    for path in ("/dashboard/articles", f"/dashboard/articles/{seeded}", "/dashboard/articles/new"):
        response = client.get(path)
        assert response.status_code == 303
        assert "/dashboard/login" in response.headers["Location"]
    response = client.post(f"/dashboard/articles/{seeded}", data={"title": "x"})
    assert response.status_code in (303, 400)
    assert client.get(ARTICLE).status_code == 200


def test_list_shows_articles_with_status(app, coach_client, seeded):
    make_article(app, slug="a-draft", title="A draft", publish=False)
    html = coach_client.get("/dashboard/articles").get_data(as_text=True)
    assert f'href="/dashboard/articles/{seeded}"' in html
    assert "Published" in html and "Draft" in html


def test_post_without_csrf_is_refused(coach_client, seeded):
    data = _form(coach_client, f"/dashboard/articles/{seeded}")
    del data["csrf_token"]
    response = coach_client.post(f"/dashboard/articles/{seeded}", data=data)
    assert response.status_code == 400


def test_empty_title_is_422_and_nothing_changes(coach_client, seeded):
    path = f"/dashboard/articles/{seeded}"
    data = _form(coach_client, path, title="   ", body_markdown="Should not be saved")
    response = coach_client.post(path, data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter a title." in html
    assert 'aria-invalid="true"' in html
    assert "Should not be saved" not in coach_client.get(ARTICLE).get_data(as_text=True)


def test_bad_or_taken_slug_is_422(app, coach_client, seeded):
    make_article(app, slug="taken-slug", title="Other")
    path = f"/dashboard/articles/{seeded}"
    response = coach_client.post(path, data=_form(coach_client, path, slug="taken-slug"))
    assert response.status_code == 422
    assert "Another article already uses this web address." in response.get_data(as_text=True)
    response = coach_client.post(path, data=_form(coach_client, path, slug="Not A Slug!"))
    assert response.status_code == 422
    assert coach_client.get(ARTICLE).status_code == 200


def test_preview_with_htmx_returns_only_the_sanitised_fragment(coach_client, seeded):
    path = f"/dashboard/articles/{seeded}"
    data = _form(coach_client, path, action="preview",
                 body_markdown="## Fresh idea\n\n<script>alert(1)</script>Safe text")
    response = coach_client.post(path, data=data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="article-preview"')
    assert "<html" not in html
    assert '<h2 id="fresh-idea">Fresh idea</h2>' in html
    assert "<script" not in html
    assert "Fresh idea" not in coach_client.get(ARTICLE).get_data(as_text=True)


def test_preview_without_javascript_shows_the_whole_page(coach_client, seeded):
    path = f"/dashboard/articles/{seeded}"
    data = _form(coach_client, path, action="preview", body_markdown="## Plain preview")
    html = coach_client.post(path, data=data).get_data(as_text=True)
    assert "<html" in html
    assert 'id="plain-preview"' in html


def test_publish_updates_the_public_page(coach_client, seeded):
    path = f"/dashboard/articles/{seeded}"
    data = _form(coach_client, path, title="Career or job? Revised",
                 body_markdown="## New section\n\nRevised text.")
    response = coach_client.post(path, data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(path)
    page = coach_client.get(ARTICLE).get_data(as_text=True)
    assert "Career or job? Revised" in page
    assert 'id="new-section"' in page
    assert "Published: the public page now shows this version." in coach_client.get(path).get_data(
        as_text=True
    )


def test_saving_as_draft_hides_the_article_and_publishing_restores_it(app, coach_client, seeded):
    path = f"/dashboard/articles/{seeded}"
    response = coach_client.post(path, data=_form(coach_client, path, action="draft"))
    assert response.status_code == 303
    assert coach_client.get(ARTICLE).status_code == 404
    assert "career-or-job" not in coach_client.get("/sitemap.xml").get_data(as_text=True)
    coach_client.post(path, data=_form(coach_client, path, action="publish"))
    assert coach_client.get(ARTICLE).status_code == 200

    from coaching.dashboard.models import AuditEvent
    from coaching.extensions import db

    with app.app_context():
        actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)
                   if e.action.startswith("article")]
    assert actions == ["article_saved_draft", "article_published"]


def test_new_article_can_be_written_and_published(coach_client):
    data = _form(coach_client, "/dashboard/articles/new", slug="brand-new", title="Brand new")
    response = coach_client.post("/dashboard/articles/new", data=data)
    assert response.status_code == 303
    assert coach_client.get("/articles/brand-new").status_code == 200


def test_unknown_article_and_action(coach_client, seeded):
    assert coach_client.get("/dashboard/articles/99999").status_code == 404
    path = f"/dashboard/articles/{seeded}"
    response = coach_client.post(path, data=_form(coach_client, path, action="delete-all"))
    assert response.status_code == 400


def test_saving_over_a_newer_version_is_409_and_keeps_the_typed_text(coach_client, seeded):
    path = f"/dashboard/articles/{seeded}"
    stale = _form(coach_client, path, body_markdown="## Typed in the first tab")
    first = coach_client.post(path, data=_form(coach_client, path, title="Saved first"))
    assert first.status_code == 303
    response = coach_client.post(path, data=stale)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "saved elsewhere" in html
    assert "## Typed in the first tab" in html
    assert "Typed in the first tab" not in coach_client.get(ARTICLE).get_data(as_text=True)
    # Saving again from the conflict page is a deliberate overwrite.
    again = dict(stale, version=re.search(r'name="version" value="(\d+)"', html).group(1))
    assert coach_client.post(path, data=again).status_code == 303
    assert "Typed in the first tab" in coach_client.get(ARTICLE).get_data(as_text=True)


def test_hostile_editor_input_never_causes_a_500(coach_client, seeded):
    path = f"/dashboard/articles/{seeded}"
    cases = [
        {"title": "x" * 201},
        {"slug": "a" * 121},
        {"slug": "../../etc"},
        {"summary": "s" * 401},
        {"title": "Nul\x00title", "body_markdown": "Body with \x00 NUL", "slug": "nul-slug"},
        {"body_markdown": "<script>alert(1)</script>" * 50},
    ]
    for changes in cases:
        response = coach_client.post(path, data=_form(coach_client, path, **changes))
        assert response.status_code in (303, 422), (changes, response.status_code)
    assert coach_client.get("/articles/%00").status_code == 404
    assert coach_client.get("/articles/" + "x" * 5000).status_code == 404


def test_editor_uses_the_dashboard_layout(app, coach_client, seeded):
    path = f"/dashboard/articles/{seeded}"
    assert coach_client.post(path, data=_form(coach_client, path)).status_code == 303
    html = coach_client.get(path).get_data(as_text=True)
    assert 'class="dash-body"' in html and 'name="robots" content="noindex' in html
    assert html.count("Published: the public page now shows this version.") == 1
    assert 'class="dash-body"' in coach_client.get("/dashboard/articles").get_data(as_text=True)
