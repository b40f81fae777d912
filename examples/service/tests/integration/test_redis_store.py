import io
import json

import pytest

from shortlink.app import App

pytestmark = pytest.mark.integration


def test_add_get_and_hits(store):
    code = store.add("https://example.org/one")
    assert store.get(code) == "https://example.org/one"
    assert store.add("https://example.org/one") == code
    assert store.add("https://example.org/two") != code
    assert store.hits(code) == 0
    assert [store.hit(code) for _ in range(3)] == [1, 2, 3]
    assert store.hits(code) == 3
    assert store.get("zzz") is None


def test_app_end_to_end_on_redis(store):
    app = App(store, "https://sho.rt")
    body = b"url=https%3A%2F%2Fexample.org%2Fdocs"
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/links", "CONTENT_LENGTH": str(len(body)),
               "CONTENT_TYPE": "application/x-www-form-urlencoded", "wsgi.input": io.BytesIO(body)}
    status, _, payload = app.handle(environ)
    assert status == 201
    code = json.loads(payload)["code"]
    status, headers, _ = app.handle({"REQUEST_METHOD": "GET", "PATH_INFO": f"/{code}"})
    assert status == 302 and dict(headers)["Location"] == "https://example.org/docs"
    assert app.handle({"REQUEST_METHOD": "GET", "PATH_INFO": "/healthz"})[0] == 200


def test_ping_fails_on_a_closed_port():
    from shortlink.store import RedisStore

    assert RedisStore.from_url("redis://127.0.0.1:1/0").ping() is False
