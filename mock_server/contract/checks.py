"""Schemathesis checks for what JSON Schema cannot say about authentik's API.

Load with `hooks = "mock_server.contract.checks"` in `schemathesis.toml` (done at the repository
root) or `SCHEMATHESIS_HOOKS=mock_server.contract.checks`.
"""

from __future__ import annotations

import json
from typing import Any

import schemathesis
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.specs.openapi.checks import positive_data_acceptance

# Rejections that depend on the server's state, not on the request alone, so no schema can
# rule them out: a name another policy already has, and an update that would leave a policy
# matching nothing. authentik answers both with 400 and these messages.
STATE_DEPENDENT_REJECTIONS: tuple[dict[str, list[str]], ...] = (
    {"name": ["policy with this name already exists."]},
    {"non_field_errors": ["At least one criteria must be set."]},
)


def is_state_dependent_rejection(status_code: int, body: Any) -> bool:
    """A 400 whose whole body is one of the documented state-dependent rejections."""
    return status_code == 400 and body in STATE_DEPENDENT_REJECTIONS


@schemathesis.check
def positive_data_acceptance_stateful(ctx: Any, response: Any, case: Any) -> bool | None:
    """Schemathesis' `positive_data_acceptance`, but a schema-valid request may still meet a
    documented state-dependent rejection (see `STATE_DEPENDENT_REJECTIONS`)."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        try:
            body = json.loads(response.content or b"null")
        except ValueError:
            raise
        if is_state_dependent_rejection(response.status_code, body):
            return None
        raise
