"""Releasegate: a quality gate that decides whether a release may ship."""

__version__ = "0.1.0"
