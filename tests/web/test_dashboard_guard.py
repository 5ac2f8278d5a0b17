"""Every dashboard route needs a signed-in coach, found by walking the URL map."""

from flask import url_for

from coaching.dashboard.blueprint import PUBLIC_ENDPOINTS


def _dashboard_urls(app):
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("dashboard.") or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        values = {name: 1 if "Integer" in type(rule._converters[name]).__name__ else "x"
                  for name in rule.arguments}
        with app.test_request_context():
            yield rule, url_for(rule.endpoint, **values)


def test_every_dashboard_get_redirects_to_login(app, client):
    seen = 0
    for rule, url in _dashboard_urls(app):
        if "GET" not in rule.methods:
            continue
        response = client.get(url)
        assert response.status_code == 303, url
        assert "/dashboard/login" in response.headers["Location"], url
        htmx = client.get(url, headers={"HX-Request": "true"})
        assert htmx.status_code == 401 and "/dashboard/login" in htmx.headers["HX-Redirect"], url
        seen += 1
    assert seen >= 1


def test_every_dashboard_post_is_refused_without_login(make_app):
    app = make_app(WTF_CSRF_ENABLED=False)  # prove auth, not CSRF, stops it
    client = app.test_client()
    for rule, url in _dashboard_urls(app):
        for method in rule.methods & {"POST", "PUT", "PATCH", "DELETE"}:
            response = client.open(url, method=method)
            assert response.status_code in (303, 401), (url, method)
