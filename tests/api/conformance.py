"""Does a response match what the OpenAPI document promises for its operation?

``Conformance(document).check(method, path, status, content_type, body)`` raises
``ContractError`` when the status is not declared for the operation, or the JSON body does not
validate against the declared schema (JSON Schema 2020-12, formats checked; every model of ours
forbids extra fields, so an undeclared field fails too). ``hook`` wraps it as an httpx response
event hook, so every response a test client receives is checked. Paths the document does not
list (an unknown URL) are left alone.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import httpx
import jsonschema_rs


class ContractError(AssertionError):
    """The server sent what the document does not promise."""


@dataclass
class Conformance:
    document: dict[str, Any]
    _paths: list[tuple[re.Pattern[str], str]] = field(init=False)
    _validators: dict[str, Any] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._paths = [
            (re.compile("^" + re.sub(r"\{[^/}]+\}", "[^/]+", template) + "$"), template)
            for template in self.document["paths"]
        ]

    def operation(self, method: str, path: str) -> tuple[str, dict[str, Any]] | None:
        for pattern, template in self._paths:
            if pattern.match(path):
                op = self.document["paths"][template].get(method.lower())
                return (template, op) if op is not None else None
        return None

    def _validator(self, schema: dict[str, Any]) -> Any:
        key = json.dumps(schema, sort_keys=True)
        if key not in self._validators:
            # '#/components/...' references resolve against this root.
            root = {**schema, "components": self.document.get("components", {})}
            self._validators[key] = jsonschema_rs.Draft202012Validator(root,
                                                                      validate_formats=True)
        return self._validators[key]

    def check(self, method: str, path: str, status: int, content_type: str,
              body: bytes) -> None:
        found = self.operation(method, path)
        if found is None:
            return
        template, op = found
        where = f"{method.upper()} {template} → {status} ({op.get('operationId')})"
        declared = op["responses"].get(str(status))
        if declared is None:
            raise ContractError(f"{where}: status not declared (declared: "
                                f"{', '.join(sorted(op['responses']))}); body {body[:300]!r}")
        content = declared.get("content")
        if not content:
            if body:
                raise ContractError(f"{where}: declared without a body, got {body[:300]!r}")
            return
        if "text/html" in content and content_type.startswith("text/html"):
            return  # a page for people (getJobReport): its contents are tested in a browser
        if "application/json" not in content or not content_type.startswith("application/json"):
            raise ContractError(f"{where}: content type {content_type!r}, declared "
                                f"{sorted(content)}")
        schema = content["application/json"].get("schema")
        if schema is None:
            return
        try:
            instance = json.loads(body)
        except ValueError as exc:
            raise ContractError(f"{where}: not JSON ({exc}): {body[:300]!r}") from None
        errors = [f"{'/'.join(map(str, e.instance_path))}: {e.message}"[:300]
                  for e in self._validator(schema).iter_errors(instance)]
        if errors:
            raise ContractError(f"{where}: the body does not match the declared schema:\n  "
                                + "\n  ".join(errors[:10]))

    def hook(self, response: httpx.Response) -> None:
        """An httpx ``response`` event hook (the body is read first)."""
        response.read()
        request = response.request
        path = request.url.path
        self.check(request.method, path, response.status_code,
                   response.headers.get("content-type", ""), response.content)
