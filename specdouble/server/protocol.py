"""uvicorn's HTTP protocol, answering requests its parser refuses in the document's shape.

A request line or header that cannot be parsed (a NUL in a header, a target past the parser's
64 KB) never reaches the app: uvicorn answers it itself, in plain text. This protocol answers
the same requests with the body every other refusal has (`ErrorAnswers.render`), and 414 for
an over-long target.
"""

from __future__ import annotations

import json
from typing import ClassVar, Protocol

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from specdouble import errors
from specdouble.settings import Limits


class Renders(Protocol):
    def render(self, failure: errors.ApiError) -> tuple[int, str, dict[str, str], bytes]: ...


class _DrfBodies:
    def render(self, failure: errors.ApiError) -> tuple[int, str, dict[str, str], bytes]:
        return failure.status_code, "application/json", {}, json.dumps(failure.body()).encode()


TRANSPORT = "mock.transport"
"""The connection's transport, in the scope, for the network faults of `server/observe.py`."""


class ContractProtocol(HttpToolsProtocol):
    # The parser knows nothing of the app; `create_app` sets these once per process.
    answers: ClassVar[Renders] = _DrfBodies()
    uri_bytes: ClassVar[int] = Limits().uri_bytes

    @classmethod
    def configure(cls, answers: Renders, limits: Limits) -> None:
        cls.answers = answers
        cls.uri_bytes = limits.uri_bytes

    def on_headers_complete(self) -> None:
        self.scope[TRANSPORT] = self.transport  # type: ignore[literal-required]
        super().on_headers_complete()

    def send_400_response(self, msg: str) -> None:
        if len(self.url) > self.uri_bytes:
            failure: errors.ApiError = errors.DetailError(
                errors.URI_TOO_LONG_TEMPLATE.format(limit=self.uri_bytes), status_code=414
            )
        else:
            failure = errors.DetailError(errors.BAD_HTTP_REQUEST, status_code=400)
        status, media_type, _, body = self.answers.render(failure)
        content = [STATUS_LINE[status]]
        for name, value in self.server_state.default_headers:
            content.extend([name, b": ", value, b"\r\n"])
        content.extend(
            [
                b"content-type: " + media_type.encode("ascii") + b"\r\n",
                b"content-length: " + str(len(body)).encode("ascii") + b"\r\n",
                b"connection: close\r\n",
                b"\r\n",
                body,
            ]
        )
        self.transport.write(b"".join(content))
        self.transport.close()


PROTOCOL = f"{__name__}:ContractProtocol"
"""For uvicorn's `http` option (an import string, so that worker processes load it too)."""
