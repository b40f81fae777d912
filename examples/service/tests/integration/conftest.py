"""A real Redis for the integration tests: a key prefix per test, removed afterwards."""

import os
import uuid

import pytest

from shortlink.config import Settings
from shortlink.store import RedisStore


@pytest.fixture
def store():
    url = Settings.from_env().redis_url
    redis_store = RedisStore.from_url(url, prefix=f"shortlink-test:{uuid.uuid4().hex}:")
    if not redis_store.ping():
        message = f"Redis is not reachable at {url}"
        if os.environ.get("REQUIRE_SERVICES", "") not in ("", "0"):
            pytest.fail(message + " (REQUIRE_SERVICES is set)")
        pytest.skip(message)
    yield redis_store
    keys = list(redis_store.client.scan_iter(redis_store.prefix + "*"))
    if keys:
        redis_store.client.delete(*keys)
