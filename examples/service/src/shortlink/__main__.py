"""`python -m shortlink`: serve the application with the standard library's WSGI server."""

from __future__ import annotations

import os
import sys
from wsgiref.simple_server import make_server

from shortlink.app import App
from shortlink.config import ConfigError, Settings
from shortlink.store import RedisStore


def main() -> int:
    """Check the settings, then serve on $HOST:$PORT (default 127.0.0.1:8000)."""
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"shortlink: {exc}", file=sys.stderr)
        return 2
    app = App(RedisStore.from_url(settings.redis_url), settings.base_url)
    host, port = os.environ.get("HOST", "127.0.0.1"), int(os.environ.get("PORT", "8000"))
    with make_server(host, port, app) as server:
        print(f"shortlink on http://{host}:{port}", file=sys.stderr)
        server.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
