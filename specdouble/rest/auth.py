"""Who is calling, and may they do this? authentik's bearer tokens, as plain functions.

Every failure is a 403 with the real server's message: authentik never answers 401.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from specdouble import errors

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ALL_PERMISSIONS = frozenset({VIEW, ADD, CHANGE, DELETE})

# Django's model permissions, by HTTP method.
PERMISSION_FOR_METHOD = {
    "GET": VIEW,
    "HEAD": VIEW,
    "OPTIONS": VIEW,
    "POST": ADD,
    "PUT": CHANGE,
    "PATCH": CHANGE,
    "DELETE": DELETE,
}


@dataclass(frozen=True, slots=True)
class Token:
    key: str
    user: str
    description: str = ""
    permissions: frozenset[str] = ALL_PERMISSIONS
    expires: datetime | None = None

    def expired(self, now: datetime) -> bool:
        return self.expires is not None and self.expires <= now


@dataclass(frozen=True, slots=True)
class User:
    """Someone who can log in: the owner of tokens, and a record of the users' collection."""

    username: str
    name: str = ""
    email: str = ""
    password: str | None = None
    """None: the user cannot log in with a password (only with a token)."""
    is_superuser: bool = False
    is_active: bool = True
    permissions: frozenset[str] = frozenset()
    """What a session of this user may do (tokens carry their own)."""
    system_permissions: tuple[str, ...] = ()
    """authentik's global permissions, as `core/users/me/` lists them."""
    groups: tuple[str, ...] = ()
    """The names of the groups the user is a member of."""

    def principal(self) -> Principal:
        return Principal(user=self.username, permissions=self.permissions)

    def checks_password(self, password: str) -> bool:
        return self.is_active and self.password is not None and self.password == password


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller."""

    user: str
    permissions: frozenset[str] = field(default_factory=frozenset)

    def can(self, permission: str) -> bool:
        return permission in self.permissions


ANONYMOUS = Principal(user="anonymous", permissions=ALL_PERMISSIONS)
ANY_CREDENTIAL = Principal(user="caller", permissions=ALL_PERMISSIONS)
"""Who sends a well-formed credential to a document that is not authentik's, when no token
list was given (`serve --tokens`): anyone may do anything, as with Prism."""
"""Who calls an operation the document leaves open (no security): anyone may do anything."""


def authenticate(header: str | None, tokens: Mapping[str, Token], now: datetime) -> Principal:
    """Read an `Authorization` header the way authentik does.

    >>> authenticate("Bearer k", {"k": Token("k", "akadmin")}, datetime.now(UTC)).user
    'akadmin'
    """
    raw = (header or "").strip()
    if not raw:
        raise errors.AuthenticationFailed(errors.NOT_AUTHENTICATED)
    scheme, _, key = raw.partition(" ")
    if scheme.lower() != "bearer":
        # authentik only logs "Unsupported authentication type": the request is anonymous.
        raise errors.AuthenticationFailed(errors.NOT_AUTHENTICATED)
    return authenticate_key(key, tokens, now)


def authenticate_key(key: str | None, tokens: Mapping[str, Token], now: datetime) -> Principal:
    """An API key (header, query or cookie): any token's key."""
    key = (key or "").strip()
    if not key:
        raise errors.AuthenticationFailed(errors.NOT_AUTHENTICATED)
    token = tokens.get(key)
    if token is None or token.expired(now):
        raise errors.AuthenticationFailed(errors.TOKEN_INVALID)
    return Principal(user=token.user, permissions=token.permissions)


def authenticate_basic(header: str | None, tokens: Mapping[str, Token], now: datetime) -> Principal:
    """HTTP basic: the user name of a token, and the token's key as the password."""
    scheme, _, encoded = (header or "").strip().partition(" ")
    if not scheme:
        raise errors.AuthenticationFailed(errors.NOT_AUTHENTICATED)
    if scheme.lower() != "basic":
        raise errors.AuthenticationFailed(errors.UNSUPPORTED_AUTH_TYPE)
    try:
        user, _, password = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (ValueError, UnicodeDecodeError) as error:
        raise errors.AuthenticationFailed(errors.INVALID_BASIC) from error
    principal = authenticate_key(password, tokens, now)
    if principal.user != user:
        raise errors.AuthenticationFailed(errors.TOKEN_INVALID)
    return principal


def authenticate_owner(
    header: str | None,
    tokens: Mapping[str, Token],
    control_token: str | None,
    now: datetime,
) -> Principal:
    """The mock's owner, for its control routes: `Bearer <key>` of a token with every
    permission, or of the control token; anyone else gets 403.

    >>> owner = authenticate_owner("Bearer c", {}, "c", datetime.now(UTC))
    >>> owner.user
    'control'
    """
    scheme, _, key = (header or "").strip().partition(" ")
    key = key.strip()
    if scheme.lower() == "bearer" and control_token and key == control_token:
        return Principal(user="control", permissions=ALL_PERMISSIONS)
    token = tokens.get(key) if scheme.lower() == "bearer" else None
    if token is None or token.expired(now) or token.permissions != ALL_PERMISSIONS:
        raise errors.PermissionDenied(errors.CONTROL_NEEDS_OWNER)
    return Principal(user=token.user, permissions=token.permissions)


def authorize(principal: Principal, method: str) -> None:
    """Writes need the matching model permission; reads never fail here (lists just shrink)."""
    needed = PERMISSION_FOR_METHOD.get(method.upper(), CHANGE)
    if needed != VIEW and not principal.can(needed):
        raise errors.PermissionDenied()


def load_tokens(path: Path) -> dict[str, Token]:
    """Read `tokens.yaml`: a list of tokens with key, user, description, permissions, expires."""
    return load_identity(path)[0]


def load_identity(path: Path) -> tuple[dict[str, Token], dict[str, User]]:
    """Read `tokens.yaml`: its tokens, and its users (every token's user is one; a user the
    file does not describe gets the permissions of its first token and no password)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    tokens = tokens_from_data(data.get("tokens", []))
    users = users_from_data(data.get("users", []))
    for token in tokens.values():
        if token.user not in users:
            users[token.user] = User(username=token.user, permissions=token.permissions)
    return tokens, users


def users_from_data(entries: Iterable[Mapping[str, Any]]) -> dict[str, User]:
    users: dict[str, User] = {}
    for entry in entries:
        permissions = entry.get("permissions", [])
        unknown = set(permissions) - ALL_PERMISSIONS
        if unknown:
            raise ValueError(f"user {entry['username']!r}: unknown permissions {sorted(unknown)}")
        password = entry.get("password")
        users[entry["username"]] = User(
            username=entry["username"],
            name=entry.get("name", ""),
            email=entry.get("email", ""),
            password=None if password is None else str(password),
            is_superuser=bool(entry.get("is_superuser", False)),
            is_active=bool(entry.get("is_active", True)),
            permissions=frozenset(permissions),
            system_permissions=tuple(entry.get("system_permissions", ())),
            groups=tuple(entry.get("groups", ())),
        )
    return users


def tokens_from_data(entries: Iterable[Mapping[str, Any]]) -> dict[str, Token]:
    tokens: dict[str, Token] = {}
    for entry in entries:
        permissions = entry.get("permissions", sorted(ALL_PERMISSIONS))
        unknown = set(permissions) - ALL_PERMISSIONS
        if unknown:
            raise ValueError(f"token {entry['key']!r}: unknown permissions {sorted(unknown)}")
        expires = entry.get("expires")
        if isinstance(expires, str):
            expires = datetime.fromisoformat(expires)
        if isinstance(expires, datetime) and expires.tzinfo is None:
            expires = expires.replace(tzinfo=UTC)
        tokens[entry["key"]] = Token(
            key=entry["key"],
            user=entry["user"],
            description=entry.get("description", ""),
            permissions=frozenset(permissions),
            expires=expires,
        )
    return tokens


@dataclass(frozen=True, slots=True)
class Credentials:
    """How a client presents one token to a document: the headers, query parameters and
    cookies its security requirement asks for."""

    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)

    def shown(self) -> dict[str, dict[str, str]]:
        return {"headers": self.headers, "query": self.query, "cookies": self.cookies}


def requirement(document: Mapping[str, Any]) -> list[str]:
    """The security schemes a client should satisfy: the document's first requirement that
    names a scheme, else the one most operations name; [] for an open document."""
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    counted: dict[tuple[str, ...], int] = {}
    for alternative in document.get("security") or []:
        if alternative and all(name in schemes for name in alternative):
            return list(alternative)
    operations = (
        operation
        for item in (document.get("paths") or {}).values()
        if isinstance(item, Mapping)
        for operation in item.values()
        if isinstance(operation, Mapping)
    )
    for operation in operations:
        for alternative in operation.get("security") or []:
            names = tuple(name for name in alternative or {} if name in schemes)
            if names:
                counted[names] = counted.get(names, 0) + 1
                break
    return list(max(counted, key=lambda names: counted[names])) if counted else []


def credentials(document: Mapping[str, Any], token: Token) -> Credentials:
    """`token` presented as the document's security requirement asks: a bearer header for
    `http` bearer-like schemes, OAuth2 and OpenID Connect, the user name and key for basic,
    the key under its name for an API key.

    >>> doc = {"components": {"securitySchemes": {"k": {"type": "apiKey", "in": "query",
    ...     "name": "api_key"}}}, "security": [{"k": []}]}
    >>> credentials(doc, Token(key="s3cret", user="ann")).query
    {'api_key': 's3cret'}
    """
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    found = Credentials()
    for name in requirement(document) or ["bearer"]:
        scheme = schemes.get(name) or {"type": "http", "scheme": "bearer"}
        kind = scheme.get("type")
        http = str(scheme.get("scheme", "")).lower()
        if kind == "apiKey":
            where = {"query": found.query, "cookie": found.cookies}.get(
                str(scheme.get("in")), found.headers
            )
            where[str(scheme.get("name", ""))] = token.key
        elif kind == "http" and http == "basic":
            pair = base64.b64encode(f"{token.user}:{token.key}".encode()).decode()
            found.headers["Authorization"] = f"Basic {pair}"
        else:  # bearer-like http schemes (authentik's `bearer+agent` too), oauth2, OIDC
            found.headers["Authorization"] = f"Bearer {token.key}"
    return found
