"""Reading scenario and schedule files (YAML or JSON) with errors that name file, field and id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from scheduler.domain.schedule import Schedule

M = TypeVar("M", bound=BaseModel)


class InputError(ValueError):
    """Bad input: every line names the place and the reason."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "\n  ".join(["invalid input:", *problems]))


def read_document(path: Path | str) -> dict[str, Any]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError(str(path), ["file not found"]) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), [f"cannot read the file: {exc}"]) from exc
    return parse_document(text, str(path), json_only=path.suffix.lower() == ".json")


class _Loader(yaml.SafeLoader):
    """YAML as ``safe_load`` reads it, except that an unquoted date or time that does not exist
    (``2027-02-30``) stays a string: PyYAML would raise a bare ValueError with no line, while
    the model then names the field and the value."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def _reject_constant(token: str) -> Any:
    raise ValueError(f"{token} is not a number")


def parse_document(text: str, source: str, *, json_only: bool = False) -> dict[str, Any]:
    try:
        # NaN and Infinity are not JSON; Python's parser accepts them unless told not to.
        data = (json.loads(text, parse_constant=_reject_constant) if json_only
                else yaml.load(text, Loader=_Loader))
    except json.JSONDecodeError as exc:
        raise InputError(source, [f"line {exc.lineno}, column {exc.colno}: {exc.msg}"]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", exc)
        raise InputError(source, [f"{where}not valid YAML ({problem})"]) from exc
    except ValueError as exc:  # a NaN or Infinity in JSON
        raise InputError(source, [str(exc)]) from exc
    if not isinstance(data, dict):
        raise InputError(source, ["the document must be a mapping (key: value) at the top"])
    return data


def load_schedule(path: Path | str) -> Schedule:
    return parse_model(Schedule, read_document(path), str(path))


def parse_model(model: type[M], data: dict[str, Any], source: str) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(source, describe_errors(exc, data)) from None


def describe_errors(exc: ValidationError, data: Any) -> list[str]:
    problems: list[str] = []
    for error in exc.errors():
        location = _readable_location(error["loc"], data)
        message = error["msg"].removeprefix("Value error, ")
        if not location:  # a cross-reference check: its message already names the places
            problems.extend(part.strip() for part in message.split("; "))
            continue
        value = error.get("input")
        shown = f" (got {value!r})" if error["type"] != "missing" and _short(value) else ""
        problems.append(f"{location}: {message}{shown}")
    return problems


def _short(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) and len(repr(value)) <= 60


def _readable_location(loc: tuple[int | str, ...], data: Any) -> str:
    """('clients', 3, 'decisions', 0, 'x') → 'clients[C3].decisions[D1].x', using ids where any."""
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(key, int):
            label = str(key)
            if isinstance(node, list) and 0 <= key < len(node):
                node = node[key]
                if isinstance(node, dict) and isinstance(node.get("id"), str):
                    label = node["id"]
            else:
                node = None
            parts.append(f"[{label}]")
        else:
            node = node.get(key) if isinstance(node, dict) else None
            parts.append(f".{key}" if parts else str(key))
    return "".join(parts)
