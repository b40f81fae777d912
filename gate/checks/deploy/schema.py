"""JSON Schema validation of a whole config file, with messages that never quote a value.

The schema is the gate's own input: missing, unreadable or not a valid schema
is an evaluation error (exit 2). A file that violates it is a finding.
jsonschema's own messages quote the offending value (which may be a secret),
so each violation is described from its keyword and the schema alone.

`$ref` is followed inside the schema (`#/$defs/port`, an `$anchor`, an embedded
`$id`) and to JSON files in the schema's folder or below it, named by a
relative reference (`defs.json#/port`, `common/types.json`; relative to the
schema's own `$id` when it has one), each read like every other input (a
regular file, no symlink out of the folder). jsonschema's own meta-schemas
are known without reading anything. Every other reference (http, https, file
URLs, other URNs, paths out of the folder) is refused before any instance is
validated, with an error naming it: nothing the gate reads may make it fetch
or read anything it was not pointed at.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import unquote, urlsplit

from gate import inputs, numeric
from gate.checks.deploy import keypath
from gate.checks.deploy.files import MAX_BYTES, library
from gate.checks.deploy.issue import Issue, display
from gate.checks.deploy.validate import Resolved, describe
from gate.errors import InputError, UsageError

MAX_VIOLATIONS = 50  # reported
MAX_ERRORS = 1000  # examined: a file that breaks its schema everywhere stays quick to report
REF_HINT = ("a $ref may point inside the schema (#/$defs/name) or to a JSON file in its folder "
            "(defs.json#/$defs/name): see docs/deploy.md")
_REF_KEYWORDS = ("$ref", "$dynamicRef")
_JSON_TYPES = {"object": "a table", "array": "a list", "string": "a string",
               "integer": "an integer", "number": "a number", "boolean": "a boolean",
               "null": "null"}


@dataclass(frozen=True)
class Schema:
    """A checked schema, and the registry that resolves its references (local files only)."""

    contents: Any
    registry: Any
    label: str


class _Refused(Exception):
    """A reference the gate will not follow; `str()` says why."""


def load(path: Path) -> Schema:
    """Read and check a JSON Schema file and every file its $refs lead to.

    An InputError or UsageError when it is unusable, or when a $ref leads
    anywhere but inside it or to a file in its folder.
    """
    label = display(path)
    library("jsonschema", f"the schema {label}")
    from jsonschema.exceptions import SchemaError
    from jsonschema.validators import validator_for

    contents = _read_json(Path(label))  # the label names the same file, as messages show it
    try:
        validator_for(contents).check_schema(contents)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.path) or "top level"
        raise UsageError(f"{label} is not a valid JSON Schema: {exc.message} (at {where})",
                         "check it against its $schema's meta-schema") from None
    return _with_references(contents, path, label)


def _read_json(path: Path) -> Any:
    """A JSON file read as an input (a regular file, at most MAX_BYTES), numbers bounded."""
    data = inputs.read_bytes(path, "schema file", MAX_BYTES)
    if len(data) > MAX_BYTES:
        raise InputError(f"schema file is larger than {MAX_BYTES >> 20} MiB: {path}")
    try:
        return json.loads(data.decode("utf-8-sig"), parse_int=numeric.json_int)
    except UnicodeDecodeError:
        raise InputError(f"schema file is not UTF-8 text: {path}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"schema file is not valid JSON: {path}: {exc.msg} "
                         f"(line {exc.lineno}, column {exc.colno})") from None
    except numeric.TooLong as exc:
        line = numeric.line_of(data.decode("utf-8-sig"), exc.text)
        raise InputError(f"schema file is not valid JSON: {path}: line {line}: {exc}") from None
    except (ValueError, RecursionError):
        raise InputError(f"schema file is not valid JSON: {path}") from None


def _with_references(contents: Any, path: Path, label: str) -> Schema:
    """The schema with a registry that reads local files only, every $ref checked up front."""
    import referencing
    import referencing.jsonschema
    from jsonschema_specifications import (  # type: ignore[import-untyped]
        REGISTRY as META_SCHEMAS,
    )
    from referencing.exceptions import Unresolvable

    folder = path.resolve().parent
    default = referencing.jsonschema.DRAFT202012
    root = referencing.Resource.from_contents(contents, default_specification=default)
    own_id = root.id() or ""
    loaded: dict[str, tuple[Any, str]] = {}  # URI -> (resource, file name shown)

    def retrieve(uri: str) -> Any:
        if uri not in loaded:
            local = _local_file(uri, own_id, folder)
            document = _read_json(Path(display(local)))
            shown = local.relative_to(folder).as_posix()
            loaded[uri] = (referencing.Resource.from_contents(
                document, default_specification=default), shown)
        return loaded[uri][0]

    local_only = referencing.Registry(retrieve=retrieve)  # type: ignore[call-arg]
    registry = META_SCHEMAS.combine(local_only)
    walked: set[str] = set()
    pending: list[tuple[Any, Any, str]] = [(registry.resolver_with_root(root), root, "")]
    while pending:
        resolver, resource, shown = pending.pop()
        for ref, at, scope in _references(resolver, resource):
            where = f"at {at or 'top level'}{f' in {shown}' if shown else ''}"
            try:
                scope.lookup(ref)
            except Unresolvable as exc:
                raise InputError(f"{label}: $ref {ref!r} {where} {_why(exc)}",
                                 REF_HINT) from None
            for uri in loaded.keys() - walked:  # a file read for this ref: its refs too
                walked.add(uri)
                document, name = loaded[uri]
                pending.append((registry.resolver(base_uri=uri), document, name))
    return Schema(contents, registry, label)


def _references(resolver: Any, resource: Any) -> Iterator[tuple[str, str, Any]]:
    """(ref, where it is, the resolver in scope there) for every $ref of a document's schemas."""
    places = _places(resource.contents)
    stack = [(resolver.in_subresource(resource), resource)]
    while stack:
        scope, node = stack.pop()
        contents = node.contents
        if isinstance(contents, dict):
            for keyword in _REF_KEYWORDS:
                ref = contents.get(keyword)
                if isinstance(ref, str):
                    yield ref, places.get(id(contents), ""), scope
        stack.extend((scope.in_subresource(sub), sub) for sub in node.subresources())


def _places(contents: Any) -> dict[int, str]:
    """The path of every table in a JSON document, by identity (`properties/port`)."""
    places: dict[int, str] = {}
    stack: list[tuple[Any, str]] = [(contents, "")]
    while stack:
        node, at = stack.pop()
        if isinstance(node, dict):
            places[id(node)] = at
            stack.extend((v, f"{at}/{k}" if at else str(k)) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, f"{at}/{i}" if at else str(i)) for i, v in enumerate(node))
    return places


def _local_file(uri: str, own_id: str, folder: Path) -> Path:
    """The file in `folder` that `uri` names, or _Refused saying why it is not followed."""
    prefix = own_id.rpartition("/")[0] + "/" if "/" in own_id else ""
    if prefix and uri.startswith(prefix):
        relative = uri[len(prefix):]
    elif urlsplit(uri).scheme or uri.startswith("//"):
        raise _Refused("is not followed: the gate never fetches a schema, nor reads one "
                       "named by a URL")
    else:
        relative = uri
    parts = urlsplit(relative)
    if parts.scheme or parts.netloc or parts.query:
        raise _Refused("is not followed: only a relative path to a file beside the schema is")
    target = (folder / unquote(parts.path)).resolve()
    if not target.is_relative_to(folder) or unquote(parts.path).startswith("/"):
        raise _Refused(f"leads outside the schema's folder ({target})")
    return target


def _why(exc: Any) -> str:
    """Why a reference could not be followed, in words (referencing wraps our own reasons)."""
    cause = exc.__cause__
    while cause is not None:  # Unresolvable, from Unretrievable, from the retrieve function's
        if isinstance(cause, _Refused):
            return str(cause)
        if isinstance(cause, InputError):
            return f"cannot be followed: {cause}"
        cause = cause.__cause__
    name = re.sub(r"(?<!^)(?=[A-Z])", " ", type(exc).__name__).lower()
    return f"cannot be followed: {name}"


def violations(schema: Schema, resolved: Resolved, label: str) -> list[Issue]:
    """An issue per violation of `schema`, in file order, at most MAX_VIOLATIONS."""
    from jsonschema.validators import validator_for
    from referencing.exceptions import Unresolvable

    cls = validator_for(schema.contents)
    validator = cls(schema.contents, registry=schema.registry,
                    format_checker=cls.FORMAT_CHECKER)
    document = resolved.document
    try:
        errors = sorted(itertools.islice(validator.iter_errors(resolved.root), MAX_ERRORS),
                        key=lambda e: [str(p) for p in e.absolute_path])
    except Unresolvable as exc:  # a $dynamicRef resolved at run time, say
        raise InputError(f"{schema.label}: $ref {exc.ref!r} {_why(exc)}", REF_HINT) from None
    issues: dict[Issue, None] = {}  # `required` repeats per missing key: keep each once
    for error in errors:
        parent = tuple(str(p) for p in error.absolute_path)
        for path, problem in explain(error, parent):
            issues[Issue("schema-violation", keypath.show(path), problem,
                         document.place(path))] = None
    return _capped(list(issues), len(errors) == MAX_ERRORS, document)


def _capped(issues: list[Issue], truncated: bool, document: Any) -> list[Issue]:
    if len(issues) > MAX_VIOLATIONS:
        more = len(issues) - MAX_VIOLATIONS
        issues = issues[:MAX_VIOLATIONS] + [Issue(
            "schema-violation", "", f"... and {more}{'+' if truncated else ''} more violations",
            document.place(()))]
    return issues


def explain(error: Any, path: keypath.Path) -> list[tuple[keypath.Path, str]]:
    """A violation in words from the schema and the value's kind, never the value.

    A missing or unexpected key is reported at its own path, one issue each.
    """
    keyword, expected, instance = error.validator, error.validator_value, error.instance
    if keyword == "required" and isinstance(instance, dict):
        return [(path + (str(k),), "required by the schema but missing")
                for k in expected if k not in instance]
    if keyword == "additionalProperties" and isinstance(instance, dict):
        known = set(error.schema.get("properties", {}))
        patterns = error.schema.get("patternProperties", {})
        return [(path + (str(k),), "not allowed by the schema (no such key)")
                for k in instance if k not in known and not any(
                    re.search(p, k) for p in patterns)]
    return [(path, _words(keyword, expected, instance))]


def _words(keyword: str, expected: Any, instance: Any) -> str:
    if keyword == "type":
        kinds = expected if isinstance(expected, list) else [expected]
        return (f"expected {' or '.join(_JSON_TYPES.get(k, str(k)) for k in kinds)}, "
                f"found {describe(instance)}")
    if keyword == "enum":
        shown = ", ".join(json.dumps(v) for v in expected[:10])
        return f"not one of the allowed values ({shown}{', ...' if len(expected) > 10 else ''})"
    words = {
        "const": f"must equal {json.dumps(expected)}",
        "pattern": f"does not match the pattern {expected!r}",
        "format": f"is not a valid {expected}",
        "minLength": f"shorter than {expected} characters",
        "maxLength": f"longer than {expected} characters",
        "minimum": f"less than {expected}",
        "maximum": f"greater than {expected}",
        "exclusiveMinimum": f"not greater than {expected}",
        "exclusiveMaximum": f"not less than {expected}",
        "minItems": f"fewer than {expected} items",
        "maxItems": f"more than {expected} items",
        "uniqueItems": "has repeated items",
        "multipleOf": f"not a multiple of {expected}",
    }
    return words.get(keyword, f"fails the schema's {keyword!r} rule")
