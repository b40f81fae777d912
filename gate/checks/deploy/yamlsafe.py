"""YAML, safely: standard tags only, aliases expanded within a budget, lines kept.

PyYAML's composer builds a node graph in which an alias is the anchored node
itself, so a "billion laughs" file stays small until something expands it.
Before building anything we measure what the expansion would be, counting each
distinct node once (memoised): past `MAX_NODES` nodes or `MAX_DEPTH` levels, or
with an alias that contains itself, the file is rejected in time proportional
to its size, not to its expansion. The builder counts again as it goes, as a
second line of defence. Scalars are built by PyYAML's
SafeConstructor, which refuses every tag it does not know, `!!python/...`
included; collections may carry only the standard map and seq tags.

Import this module only inside a check's run: it imports PyYAML.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from gate import numeric
from gate.checks.deploy.keypath import Path

MAX_NODES = 200_000
MAX_DEPTH = 64
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
#: Scalars PyYAML converts to numbers: bounded by length first (gate.numeric).
_NUMBERS = frozenset(("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"))
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Rejected(Exception):
    """The file is not plain, safe YAML. `unsafe` tells a hostile file from a broken one."""

    def __init__(self, message: str, line: int | None, unsafe: bool) -> None:
        super().__init__(message)
        self.message, self.line, self.unsafe = message, line, unsafe


def load(text: str, max_nodes: int = MAX_NODES,
         max_depth: int = MAX_DEPTH) -> tuple[Any, dict[Path, int]]:
    """The documents in `text` and the line of each key path.

    One document is the root itself; several make a list, addressed by index
    (`0.metadata.name`); none is None.
    """
    nodes = _compose(text)
    _measure_all(nodes, max_nodes, max_depth)
    builder = _Builder(max_nodes, max_depth)
    if not nodes:
        return None, builder.lines
    if len(nodes) == 1:
        return builder.build(nodes[0], (), 0), builder.lines
    return [builder.build(node, (str(i),), 1) for i, node in enumerate(nodes)], builder.lines


def _compose(text: str) -> list[Node]:
    loader = _Loader(text)
    try:
        nodes: list[Node] = []
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                nodes.append(node)
        return nodes
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise Rejected(_problem(exc), mark.line + 1 if mark else None, False) from None
    except yaml.YAMLError as exc:
        raise Rejected(f"not valid YAML ({type(exc).__name__})", None, False) from None
    except RecursionError:
        raise Rejected("nested too deeply to parse", None, True) from None
    finally:
        loader.dispose()


def _problem(exc: yaml.MarkedYAMLError) -> str:
    # Only the parser's own words: its `str()` quotes the offending source line,
    # which may hold a secret.
    return f"not valid YAML: {exc.problem or exc.context or 'syntax error'}"


def _measure_all(nodes: list[Node], max_nodes: int, max_depth: int) -> None:
    """Reject the documents if expanding them would pass either limit."""
    sizes: dict[int, tuple[int, int]] = {}
    active: set[int] = set()
    total = 0
    try:
        for node in nodes:
            size, height = _measure(node, sizes, active)
            total += size
            if total > max_nodes:
                raise Rejected(f"expands to more than {max_nodes} nodes through aliases "
                               "(a YAML bomb?)", node.start_mark.line + 1, True)
            if height > max_depth:
                raise Rejected(f"nested deeper than {max_depth} levels",
                               node.start_mark.line + 1, True)
    except RecursionError:
        raise Rejected("nested too deeply to read", None, True) from None


def _measure(node: Node, sizes: dict[int, tuple[int, int]],
             active: set[int]) -> tuple[int, int]:
    """(nodes, levels) that building `node` would produce; each distinct node measured once."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in active:
        raise Rejected("an alias contains itself", node.start_mark.line + 1, True)
    active.add(key)
    children: list[Node] = []
    if isinstance(node, SequenceNode):
        children = list(node.value)
    elif isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE and isinstance(value_node, SequenceNode):
                children.extend(value_node.value)
            else:
                children.append(value_node)
    size, height = 1, 1
    for child in children:
        child_size, child_height = _measure(child, sizes, active)
        size += child_size
        height = max(height, child_height + 1)
    active.discard(key)
    sizes[key] = (size, height)
    return size, height


class _Builder:
    """Turns nodes into plain data, charging one unit of budget per node built."""

    def __init__(self, max_nodes: int, max_depth: int) -> None:
        self.left = max_nodes
        self.max_nodes = max_nodes
        self.max_depth = max_depth
        self.lines: dict[Path, int] = {}
        self.scalars = yaml.constructor.SafeConstructor()

    def build(self, node: Node, path: Path, depth: int) -> Any:
        line = node.start_mark.line + 1
        self.left -= 1
        if self.left < 0:
            raise Rejected(f"expands to more than {self.max_nodes} nodes through aliases "
                           "(a YAML bomb?)", line, True)
        if depth > self.max_depth:
            raise Rejected(f"nested deeper than {self.max_depth} levels (or an alias that "
                           "contains itself)", line, True)
        self.lines.setdefault(path, line)
        if isinstance(node, ScalarNode):
            return self._scalar(node, line)
        if isinstance(node, SequenceNode):
            self._tag(node, _SEQ, line)
            return [self.build(child, path + (str(i),), depth + 1)
                    for i, child in enumerate(node.value)]
        if isinstance(node, MappingNode):
            self._tag(node, _MAP, line)
            return self._mapping(node, path, depth)
        raise Rejected(f"unsupported node at line {line}", line, True)  # pragma: no cover

    def _scalar(self, node: ScalarNode, line: int) -> Any:
        if node.tag in _NUMBERS and len(node.value) > numeric.MAX_LENGTH:
            raise Rejected(f"not valid YAML: {numeric.TooLong(node.value)}", line, False)
        try:
            return self.scalars.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError:
            raise Rejected(f"tag {node.tag} is not allowed (safe loading only)", line,
                           True) from None
        except (ValueError, OverflowError):  # int() limits on huge numbers, bad timestamps
            raise Rejected(f"a {node.tag.rsplit(':', 1)[-1]} value cannot be read", line,
                           False) from None

    @staticmethod
    def _tag(node: Node, expected: str, line: int) -> None:
        if node.tag != expected:
            raise Rejected(f"tag {node.tag} is not allowed (safe loading only)", line, True)

    def _mapping(self, node: MappingNode, path: Path, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merges = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merges.append((key_node.start_mark.line + 1, value_node))
                continue
            if not isinstance(key_node, ScalarNode):
                raise Rejected("a key that is a list or a table is not supported",
                               key_node.start_mark.line + 1, False)
            key = str(key_node.value)
            if key in result:
                raise Rejected(f"duplicate key {key!r}", key_node.start_mark.line + 1, False)
            self.lines.setdefault(path + (key,), key_node.start_mark.line + 1)
            result[key] = self.build(value_node, path + (key,), depth + 1)
        for line, merge in merges:  # `<<: *base`: explicit keys win, then earlier merges
            sources = merge.value if isinstance(merge, SequenceNode) else [merge]
            for source in sources:
                value = self.build(source, path, depth + 1)
                if not isinstance(value, dict):
                    raise Rejected("a merge key (<<) must refer to a table", line, False)
                for key, item in value.items():
                    result.setdefault(key, item)
        return result
