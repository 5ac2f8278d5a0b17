def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_reports_unreachable_database(make_app, tmp_path, database_url):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/dir/x.sqlite3")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_home_page_has_landmarks(client):
    html = client.get("/").get_data(as_text=True)
    for landmark in ('<header class="site-header">', '<main id="main"', "<footer",
                     'class="skip-link" href="#main"', 'href="/privacy"', 'href="/cookies"'):
        assert landmark in html
    assert 'lang="en-GB"' in html
