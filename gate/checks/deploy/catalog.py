"""Every rule the deploy checks apply, with its stable id.

A rule id names what went wrong (`secret-short`, `debug-on`); it appears at the
end of each finding's message, and `ignore` turns the ignorable ones off. The
ids are a contract: docs/deploy.md lists them and a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

ENV, FILES, SECRETS, INSECURE = "deploy.env", "deploy.files", "deploy.secrets", "deploy.insecure"


@dataclass(frozen=True)
class Rule:
    """One rule: its id, the check that reports it, what it means, whether it can be ignored."""

    id: str
    check: str
    meaning: str
    ignorable: bool


RULES: tuple[Rule, ...] = (
    Rule("env-missing", ENV, "a required environment variable is unset or empty", False),
    Rule("file-missing", FILES, "an env file or config file does not exist or cannot be read",
         False),
    Rule("file-invalid", FILES, "an env file or config file does not parse", False),
    Rule("file-unsafe", FILES, "a YAML file uses a non-standard tag (such as !!python/object), "
         "or expands to too many nodes or levels (an alias bomb)", False),
    Rule("ref-unresolved", FILES, "a ${VAR} or $VAR reference names a variable that is not set",
         True),
    Rule("key-missing", FILES, "a key listed in `require` is absent", False),
    Rule("key-type", FILES, "a key listed in `require` has the wrong type", False),
    Rule("value-forbidden", FILES, "a key holds a value listed in `forbid`", False),
    Rule("schema-violation", FILES, "the file does not validate against its JSON Schema", False),
    Rule("secret-empty", SECRETS, "a secret is unset or empty", True),
    Rule("secret-type", SECRETS, "a secret holds null, a number, a boolean, an empty list or "
         "(when listed in `secrets`) a table, not a string", True),
    Rule("secret-short", SECRETS, "a secret is shorter than `min-secret-length`", True),
    Rule("secret-low-variety", SECRETS, "a secret has fewer than 8 distinct characters", True),
    Rule("secret-placeholder", SECRETS, "a secret is a placeholder (changeme, <...>, your-..., "
         "django-insecure-..., a test key...)", True),
    Rule("secret-reused", SECRETS, "two different secrets have the same value", True),
    Rule("debug-on", INSECURE, "a debug flag is on (DEBUG, FLASK_DEBUG, a `debug` key...)", True),
    Rule("dev-mode", INSECURE, "the environment is named development (FLASK_ENV, NODE_ENV, "
         "APP_ENV...)", True),
    Rule("hosts-wildcard", INSECURE, "allowed hosts contain `*`", True),
    Rule("cors-wildcard", INSECURE, "a CORS setting allows every origin", True),
    Rule("http-url", INSECURE, "an http:// URL to a host that is not loopback "
         "(only with require-tls)", True),
    Rule("db-sslmode-disable", INSECURE, "a database URL turns TLS off, such as sslmode=disable "
         "(only with require-tls)", True),
)

BY_ID = {rule.id: rule for rule in RULES}
IGNORABLE = tuple(rule.id for rule in RULES if rule.ignorable)
