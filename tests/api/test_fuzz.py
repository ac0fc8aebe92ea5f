"""A property-based run over the OpenAPI schema (schemathesis): no request makes a 5xx.

Bounded: a few examples per operation, no deadline. Requests go through the session's running
app (workers included) with a coordinator's key, so they reach the handlers, not just the auth.
"""

from __future__ import annotations

import schemathesis
from apihelpers import Api
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from scheduler.api import Settings, create_app

# The coverage and stateful phases send thousands of requests; examples + fuzzing, bounded by
# max_examples, keep this under a few seconds per operation.
CONFIG = SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False},
                                                  "stateful": {"enabled": False}}})
# Only the schema is needed here; an in-memory database keeps this import side-effect free.
schema = schemathesis.openapi.from_dict(create_app(Settings(database_url="sqlite://")).openapi(),
                                        config=CONFIG)


@schema.parametrize()
@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors(case: schemathesis.Case, api: Api) -> None:
    kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=api.coordinator)
    response = api.client.request(**kwargs)
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
