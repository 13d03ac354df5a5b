"""`middleware.Cors` answers as Starlette's `CORSMiddleware` does, with or without `Origin`."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.testclient import TestClient
from starlette.types import Receive, Scope, Send

from specdouble.server.middleware import Cors


async def plain(scope: Scope, receive: Receive, send: Send) -> None:
    await Response(b"{}", media_type="application/json")(scope, receive, send)


async def varying(scope: Scope, receive: Receive, send: Send) -> None:
    response = Response(b"{}", media_type="application/json", headers={"Vary": "Accept"})
    await response(scope, receive, send)


OPTIONS: list[dict[str, Any]] = [
    {"allow_origins": ["*"]},
    {"allow_origins": ["http://app.example"]},
]
REQUESTS = [
    ("GET", {}),
    ("GET", {"Origin": "http://app.example"}),
    ("GET", {"Origin": "http://evil.example"}),
    ("OPTIONS", {"Origin": "http://app.example", "Access-Control-Request-Method": "POST"}),
    ("OPTIONS", {}),
]


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("app", [plain, varying])
def test_the_same_headers_as_starlette(options: dict[str, Any], app: Any) -> None:
    settings = {"allow_methods": ["*"], "allow_headers": ["*"], "expose_headers": ["*"]}
    ours = TestClient(Cors(app, **settings, **options))
    theirs = TestClient(CORSMiddleware(app, **settings, **options))
    for method, headers in REQUESTS:
        mine, reference = (c.request(method, "/", headers=headers) for c in (ours, theirs))
        assert mine.status_code == reference.status_code
        assert sorted(mine.headers.multi_items()) == sorted(reference.headers.multi_items())
    assert "vary" in ours.get("/").headers
