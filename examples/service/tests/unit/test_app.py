import io
import json

import pytest

from shortlink.app import App
from shortlink.store import MemoryStore


def call(app, method, path, body=b"", content_type="application/x-www-form-urlencoded"):
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body),
    }
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = status, dict(headers)

    payload = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], payload


@pytest.fixture
def app():
    return App(MemoryStore(), "https://sho.rt/")


def test_create_follow_and_count(app):
    status, _, body = call(app, "POST", "/links", b"url=https%3A%2F%2Fexample.org%2Fa")
    assert status == "201 Created"
    created = json.loads(body)
    assert created == {"code": "1", "short_url": "https://sho.rt/1"}
    for _ in range(2):
        status, headers, _ = call(app, "GET", "/1")
        assert status == "302 Found"
        assert headers["Location"] == "https://example.org/a"
    status, _, body = call(app, "GET", "/1/stats")
    assert json.loads(body) == {"url": "https://example.org/a", "hits": 2}


def test_json_body_and_same_url_same_code(app):
    body = json.dumps({"url": "https://example.org/x"}).encode()
    first = json.loads(call(app, "POST", "/links", body, "application/json")[2])
    again = json.loads(call(app, "POST", "/links", body, "application/json")[2])
    assert first["code"] == again["code"]


@pytest.mark.parametrize("body, content_type, error", [
    (b"nothing=here", "application/x-www-form-urlencoded", "missing url"),
    (b"{not json", "application/json", "not JSON"),
    (b"[1, 2]", "application/json", "missing url"),
    (b"url=ftp%3A%2F%2Fexample.org", "application/x-www-form-urlencoded", "only http"),
])
def test_bad_requests(app, body, content_type, error):
    status, _, payload = call(app, "POST", "/links", body, content_type)
    assert status == "400 Bad Request"
    assert error in json.loads(payload)["error"]


def test_too_large_body(app):
    status, _, _ = call(app, "POST", "/links", b"url=" + b"a" * 9000)
    assert status == "413 Content Too Large"


def test_routes_and_methods(app):
    assert call(app, "GET", "/links")[0] == "405 Method Not Allowed"
    assert call(app, "POST", "/1")[0] == "405 Method Not Allowed"
    assert call(app, "GET", "/42")[0] == "404 Not Found"
    assert call(app, "GET", "/not-a-code")[0] == "404 Not Found"
    assert call(app, "GET", "/healthz")[0] == "200 OK"


def test_healthz_reports_unreachable_storage():
    class Down(MemoryStore):
        def ping(self):
            return False

    assert call(App(Down(), "https://sho.rt"), "GET", "/healthz")[0] == "503 Service Unavailable"
