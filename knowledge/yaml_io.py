"""Reading untrusted files at the door: regular files only, bounded, parsed as YAML 1.2 without surprises.

Profiles come from users and the knowledge base from a policy officer's editor, so both are read
the same careful way:

* :func:`read_regular_file` opens without blocking, refuses anything that is not a regular file
  (``/dev/zero``, a FIFO, a directory — even behind a symlink) and reads at most the limit plus one
  byte, so an endless or huge input costs one read, not all memory. ``stat`` alone is not enough:
  devices and pipes report size 0.
* :data:`StrictLoader` is PyYAML's safe loader with YAML 1.2's core schema for plain scalars:
  ``yes/no/on/off`` stay strings, ``190:20:30`` is not base-60 (685,230) and ``0777`` is not octal;
  only ``true/false``, decimal/``0x``/``0o`` integers, floats and ``null``/``~`` are typed. Dates stay
  strings (the models validate them, so "2025-02-30" gets a clear message). A duplicate key is an
  error naming both lines (YAML 1.1 silently keeps the last one), aliases are refused (no
  billion-laughs bombs) and nesting deeper than :data:`MAX_DEPTH` is refused before Python's
  recursion limit is reached.

PyYAML is kept, rather than ruamel.yaml, because the loader maps pydantic errors back onto PyYAML's
node marks (file, line, path); the schema difference is this one resolver table.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

__all__ = ["MAX_DEPTH", "FileRefused", "StrictLoader", "describe", "read_regular_file", "safe_load"]

MAX_DEPTH = 64


class FileRefused(OSError):
    """The path is not a regular file, or it is larger than the limit."""


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; :class:`FileRefused` otherwise."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise FileRefused(f"{path}: not a regular file")
        chunks: list[bytes] = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise FileRefused(f"{path}: larger than {limit} bytes")
    return data


class StrictLoader(yaml.SafeLoader):
    """Safe loader with YAML 1.2 core scalars, no aliases, no duplicate keys and bounded depth."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.constructor.ConstructorError(
                None, None, "YAML aliases (*name) are not allowed here", event.start_mark
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                event = self.peek_event()  # type: ignore[no-untyped-call]
                raise yaml.constructor.ConstructorError(
                    None, None, f"nested deeper than {MAX_DEPTH} levels", event.start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:
                continue  # an unhashable key: the base class reports it
            if first is not None:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping", node.start_mark,
                    f"duplicate key {key!r}: first on line {first.start_mark.line + 1}, "
                    f"again on line {key_node.start_mark.line + 1}",
                    key_node.start_mark,
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        value = str(self.construct_scalar(node)).replace("_", "")
        sign = -1 if value.startswith("-") else 1
        digits = value.lstrip("+-")
        if digits.startswith("0x"):
            return sign * int(digits[2:], 16)
        if digits.startswith("0o"):
            return sign * int(digits[2:], 8)
        try:
            return sign * int(digits)
        except ValueError:  # more digits than Python converts: a typing accident, said plainly
            raise yaml.constructor.ConstructorError(
                None, None, f"a number with {len(digits)} digits is too long", node.start_mark
            ) from None


_CORE_RESOLVERS: list[tuple[str, re.Pattern[str], str]] = [
    ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
    ("tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), "-+0123456789"),
    ("tag:yaml.org,2002:float", re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
     "-+0123456789."),
    ("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), "~nN\0"),
]
StrictLoader.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in _CORE_RESOLVERS:
    for _ch in _first:
        StrictLoader.yaml_implicit_resolvers.setdefault("" if _ch == "\0" else _ch, []).append((_tag, _regexp))
# "<<" merge keys and "=" value keys are YAML 1.1 only: keep them plain strings.
StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader.construct_yaml_int)


def safe_load(text: str) -> Any:
    """Parse untrusted YAML (or JSON) with :class:`StrictLoader`."""
    return yaml.load(text, Loader=StrictLoader)


def describe(exc: yaml.YAMLError) -> str:
    """One line for a person: where (line, column) and what is wrong."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return f"{where}{problem}"
