"""Security headers on every answer, and templates that keep to the Content-Security-Policy."""
import re
from pathlib import Path

import pytest

from tests.factories import make_person
from tracker.web import CONTENT_SECURITY_POLICY

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def directives(policy: str) -> dict:
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part}


def test_policy_allows_only_this_site():
    policy = directives(CONTENT_SECURITY_POLICY)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY and "unsafe-eval" not in CONTENT_SECURITY_POLICY


def test_every_kind_of_answer_carries_the_headers(client, org):
    person = make_person(org)
    for url in ["/", "/scorecards/", f"/scorecards/people/{person.id}", f"/money/people/{person.id}",
                "/api/v1/people", "/healthz", "/no-such-page", "/static/js/charts.js", "/login"]:
        response = client.get(url)
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN", url
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        assert "Strict-Transport-Security" not in response.headers, url  # plain HTTP by default


def test_hsts_when_cookies_are_secure(make_app):
    response = make_app(SESSION_COOKIE_SECURE=True).test_client().get("/")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


TAG_SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_have_no_inline_script_or_style(path):
    text = re.sub(r"\{#.*?#\}", "", path.read_text(), flags=re.S)  # Jinja comments are not sent
    for attributes in TAG_SCRIPT.findall(text):
        assert "src=" in attributes or 'type="application/json"' in attributes, \
            f"{path.name}: inline <script{attributes}>: move it to static/js (data in a JSON data block)"
    assert not re.search(r"<style\b", text, re.I), f"{path.name}: <style> element: use static/css/site.css"
    assert not re.search(r"\sstyle\s*=", text, re.I), f"{path.name}: style= attribute: use a CSS class"
    assert not re.search(r"\son[a-z]+\s*=\s*[\"']", text, re.I), f"{path.name}: inline event handler"
    assert "javascript:" not in text.lower(), f"{path.name}: javascript: URL"
