"""`serve --ui DIR`: authentik's built web interface, served the way authentik's server serves it,
so that the interface runs against the mock with no backend.

DIR is a build of authentik's `web/` (its `dist/`, and `authentik/` with the images the API's
data points at). Served here, before anything else sees the request:

  /if/admin/, /if/user/, /if/flow/<slug>/   each interface's page, as authentik's templates
                                            render it, with `window.authentik` made from the
                                            mock's own configuration and brand; `/if/admin`
                                            (no slash) redirects to `/if/admin/`; a flow page
                                            for a slug no flow has answers 404
  /static/dist/..., /static/authentik/...   the files; also `dist/` under /if/admin/assets/,
                                            /if/user/assets/, /if/flow/<slug>/assets/ and
                                            /if/rac/<slug>/assets/ (a path ending in / is 404)
  /robots.txt, /.well-known/security.txt    where DIR has them
"""

from __future__ import annotations

import hashlib
import html
import json
import mimetypes
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from starlette.types import ASGIApp, Receive, Scope, Send

from specdouble.server.sessions import own_origin

PAGE_KINDS = {"admin": "admin/AdminInterface", "user": "user/UserInterface"}
SLUG = r"[-a-zA-Z0-9_]+"
FLOW_PAGE = re.compile(rf"^/if/flow/(?P<slug>{SLUG})/$")
FLOW_WITHOUT_SLASH = re.compile(rf"^/if/(?:admin|user|flow/{SLUG})$")
ASSETS = re.compile(rf"^/if/(?:admin|user|flow/{SLUG}|rac/{SLUG})(?P<rest>/assets(?:/.*)?)$")
TEXT_FILES = {"/robots.txt": "robots.txt", "/.well-known/security.txt": "security.txt"}
TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
}
DEFAULT_BACKGROUND = "/static/dist/assets/images/flow_background.jpg"
NOT_FOUND = b"404 page not found\n"


class NotABuild(ValueError):
    """A folder that is not a built authentik web interface."""


def build_version(dist: Path) -> str:
    """The build's version, from its admin entry file: `admin/AdminInterface-<v>.js`."""
    for entry in sorted((dist / "admin").glob("AdminInterface-*.js")):
        return entry.name.removeprefix("AdminInterface-").removesuffix(".js")
    raise NotABuild(f"{dist}: no admin/AdminInterface-<version>.js (not a built authentik UI)")


def script_json(value: Any) -> str:
    """JSON that cannot end the inline `<script>` it sits in."""
    text = json.dumps(value, ensure_ascii=False)
    for char, escaped in (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


@dataclass(frozen=True, slots=True)
class Page:
    """What a page is made of: the build's version, the mock's config and brand, the origin."""

    version: str
    config: Mapping[str, Any]
    brand: Mapping[str, Any]
    origin: str
    flow: Mapping[str, Any] | None = None
    """The flow of a flow page (its record: layout, title, background)."""


PLACEHOLDER = (
    '<div class="ak-c-placeholder" id="ak-placeholder" slot="placeholder">'
    '<span class="pf-c-spinner" role="progressbar" aria-valuetext="Loading...">'
    '<span class="pf-c-spinner__clipper"></span><span class="pf-c-spinner__lead-ball"></span>'
    '<span class="pf-c-spinner__tail-ball"></span></span></div>'
)
THEME_SCRIPT = """<script data-id="theme-script">
(function () {
    var root = document.documentElement, stored = null;
    try { stored = window.localStorage.getItem("theme"); } catch (e) {}
    if (["auto", "light", "dark"].indexOf(stored) < 0) stored = null;
    var choice = new URLSearchParams(window.location.search).get("theme") || stored
        || root.dataset.themeChoice || "auto";
    root.dataset.themeChoice = choice;
    root.dataset.theme = choice !== "auto" ? choice
        : window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
})();
</script>
<meta name="color-scheme" content="light dark" />
<meta name="theme-color" content="#ffffff" media="(prefers-color-scheme: light)">
<meta name="theme-color" content="#18191a" media="(prefers-color-scheme: dark)">"""


def window_authentik(page: Page) -> str:
    family = ".".join(page.version.split("+")[0].split(".")[:2])
    value = {
        "locale": "en",
        "config": page.config,
        "brand": page.brand,
        "versionFamily": family,
        "versionSubdomain": "version-" + family.replace(".", "-"),
        "build": "",
        "api": {"base": page.origin + "/", "relBase": "/"},
    }
    return f'<script data-id="authentik-config">window.authentik = {script_json(value)};</script>'


def render(kind: str, page: Page, slug: str = "") -> bytes:
    """An interface page (`admin`, `user` or `flow`), as authentik's templates render it."""
    v = page.version
    theme = str(page.brand.get("ui_theme") or "automatic")
    choice = theme if theme in ("light", "dark") else "auto"
    favicon = html.escape(str(page.brand.get("branding_favicon") or ""), quote=True)
    css = str(page.brand.get("branding_custom_css") or "")
    css = css.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
    before: list[str] = []
    scripts: list[str] = []
    if kind == "flow":
        flow = page.flow or {}
        background = str(flow.get("background_url") or DEFAULT_BACKGROUND)
        before.append(f'<link rel="prefetch" href="{html.escape(background, quote=True)}" />')
        before.append(window_authentik(page))
        flow_config = {
            "layout": flow.get("layout") or "",
            "background": flow.get("background") or "",
            "title": flow.get("title") or "",
        }
        before.append(
            f'<script data-id="flow-config">window.authentik.flow = {script_json(flow_config)};'
            "</script>"
        )
        scripts.append(
            f'<script src="/static/dist/flow/FlowInterface-{v}.js" type="module"></script>'
        )
        scripts.append(
            f'<style data-id="flow-css">:root {{ --ak-global--background-image: '
            f'url("{html.escape(background)}"); }}</style>'
        )
        stylesheet = f"/static/dist/styles/flow-{v}.css"
        quoted = html.escape(slug, quote=True)
        layout = html.escape(str(flow.get("layout") or "stacked"), quote=True)
        body = (
            "<ak-skip-to-content></ak-skip-to-content><ak-message-container></ak-message-container>"
            f'<ak-drawer id="flow-drawer"><ak-flow-executor slug="{quoted}" class="pf-c-login" '
            f'data-layout="{layout}" loading>{PLACEHOLDER}'
            '<ak-brand-links name="flow-links" slot="footer"></ak-brand-links></ak-flow-executor>'
            f'<ak-flow-inspector slot="panel" id="flow-inspector" data-registration="lazy" '
            f'slug="{quoted}"></ak-flow-inspector></ak-drawer>'
        )
    else:
        scripts.append(
            f'<script src="/static/dist/{PAGE_KINDS[kind]}-{v}.js" type="module"></script>'
        )
        scripts.append(window_authentik(page))
        stylesheet = f"/static/dist/styles/interface-{v}.css"
        align = ' alignment="bottom"' if kind == "admin" else ""
        body = (
            f"<ak-skip-to-content></ak-skip-to-content>"
            f"<ak-message-container{align}></ak-message-container>"
            f"<ak-interface-{kind}>{PLACEHOLDER}</ak-interface-{kind}>"
        )
    head = "\n".join(
        [
            '<meta charset="UTF-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1, maximum-scale=1">',
            '<meta name="darkreader-lock">',
            f"<title>{html.escape(str(page.brand.get('branding_title') or ''))}</title>",
            f'<link rel="icon" href="{favicon}">',
            f'<link rel="shortcut icon" href="{favicon}">',
            *before,
            f'<link rel="stylesheet" type="text/css" href="{stylesheet}" />',
            THEME_SCRIPT,
            f'<style data-id="brand-css">{css}</style>',
            f'<script src="/static/dist/poly-{v}.js" type="module"></script>',
            *scripts,
        ]
    )
    document = (
        f'<!DOCTYPE html>\n<html lang="en" data-theme="light" data-theme-choice="{choice}">\n'
        f"<head>\n{head}\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
    return document.encode()


class AuthentikInterface:
    """The ASGI middleware serving DIR; see the module's docstring."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        folder: Path,
        config: Callable[[], Mapping[str, Any]],
        brand: Callable[[], Mapping[str, Any]],
        flow: Callable[[str], Mapping[str, Any] | None],
    ) -> None:
        self.app = app
        self.folder = folder.resolve()
        self.dist = self.folder / "dist"
        self.version = build_version(self.dist)
        self.config, self.brand, self.flow = config, brand, flow

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        answer = self._answer(scope, path)
        if answer is None:
            await self.app(scope, receive, send)
            return
        status, headers, body = answer
        headers = [*headers, (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )

    def _answer(
        self, scope: Scope, path: str
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
        static = self._static(path)
        if static is not None:
            return self._file(static)
        if FLOW_WITHOUT_SLASH.match(path):
            query = scope.get("query_string", b"")
            location = path.encode() + b"/" + (b"?" + query if query else b"")
            return (
                301,
                [(b"location", location), (b"content-type", b"text/html; charset=utf-8")],
                b"",
            )
        kind = path.strip("/").split("/")[-1] if path in ("/if/admin/", "/if/user/") else None
        found = FLOW_PAGE.match(path)
        if kind is None and found is None:
            return None
        page = Page(self.version, self.config(), self.brand(), own_origin(scope))
        if found is not None:
            flow = self.flow(found["slug"])
            if flow is None:
                return 404, [(b"content-type", b"text/html; charset=utf-8")], b"<h1>Not Found</h1>"
            body = render("flow", replace(page, flow=flow), found["slug"])
        else:
            body = render(kind or "admin", page)
        return (
            200,
            [(b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"no-cache")],
            body,
        )

    def _static(self, path: str) -> Path | None:
        if path.startswith("/static/dist/"):
            return self._inside(self.dist, path.removeprefix("/static/dist/"))
        if path.startswith("/static/authentik/"):
            return self._inside(self.folder / "authentik", path.removeprefix("/static/authentik/"))
        assets = ASSETS.match(path)
        if assets:
            return self._inside(self.dist, assets["rest"])
        if path in TEXT_FILES:
            return self.folder / TEXT_FILES[path]
        return None

    @staticmethod
    def _inside(root: Path, relative: str) -> Path:
        """The file under `root`, or a path that exists nowhere (`..` cannot leave `root`)."""
        target = (root / unquote(relative).lstrip("/")).resolve()
        root = root.resolve()
        return target if root in target.parents else root / "\0"

    def _file(self, path: Path) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        if not path.is_file():
            return 404, [(b"content-type", b"text/plain; charset=utf-8")], NOT_FOUND
        body = path.read_bytes()
        kind = TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
        tag = hashlib.sha256(body).hexdigest()[:32]
        return (
            200,
            [
                (b"content-type", (kind or "application/octet-stream").encode()),
                (b"cache-control", b"public, no-transform"),
                (b"x-authentik-version", self.version.encode()),
                (b"vary", b"X-authentik-version, Etag"),
                (b"etag", f'"{tag}"'.encode()),
            ],
            body,
        )
