"""shortlink: a small URL shortener service backed by Redis."""

__version__ = "1.0.0"
