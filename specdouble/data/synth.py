"""Valid, realistic data for any JSON schema of an OpenAPI document, from a seed.

Types and formats, enums, `nullable` and 3.1 type lists, `allOf`/`oneOf`/`anyOf`,
`readOnly`/`writeOnly`, bounds, lengths, simple patterns, `additionalProperties`, and
recursion cut at a depth. Property names pick realistic values through Faker (`email`,
`username`, `slug`, `url`, ...). Each `Synth` has its own `random.Random` and draws from its
thread's Faker as from a Faker of its own (`Synth.fake`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import random
import re
import string
import threading
import uuid
import warnings
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from specdouble.data import images
from specdouble.data.values import STANDARD_FORMATS, fitted_instant
from specdouble.document.lenient import defused
from specdouble.document.openapi import (
    ANNOTATIONS,
    admitted_kinds,
    combined_scalar,
    copied,
    discriminator_mapping,
    exclusive_requirements,
    forbidden,
    held_by_extra,
    is_nullable,
    left_for,
    marked,
    object_shape,
    refined,
    resolve,
)

if TYPE_CHECKING:
    from faker import Faker

with warnings.catch_warnings():  # the regex parser moved in 3.11; its old name still works
    warnings.simplefilter("ignore", DeprecationWarning)
    import sre_constants
    import sre_parse

MAX_DEPTH = 4
MAX_REQUIRED_DEPTH = 16
"""Below this, an object leaves out even required properties: one that requires itself has no
finite value, and a value must end."""
MEMO_ENTRIES = 20_000
"""Schemas a generator keeps what it read of (`Synth._fields`, its `allOf` merges) at most."""
Field = tuple[str, Any, bool, bool, bool]
"""A property an object may hold: its name and schema, whether it is required, whether it is
required and may be null (cut deep, it is null), and whether null is valid under every reading
(`is_nullable(surely=True)`)."""
VALUE_BUDGET = 500
"""Values one generated value holds before the rest of it is made of what its schemas require
alone (no optional property, the fewest items): Microsoft Graph's entities, 4 levels of objects
of dozens of properties and lists of them, made a start-up of minutes."""
ONE_OF_ATTEMPTS = 6
PATTERN_ATTEMPTS = 8
STRETCHES = (4, 8, 16, 32, 64)
"""How much longer open repeats may grow, tried in turn, where a pattern's usual strings are
shorter than its schema's least length."""
WRONG_VALUE: dict[str, Any] = {
    "string": 0,
    "integer": "0",
    "number": "0",
    "boolean": "no",
    "array": 0,
    "object": 0,
}
"""A value of another type than each JSON type, to set a oneOf branch apart from another."""
EPOCH = datetime(2026, 11, 1, tzinfo=UTC)
TECHNICAL_NAME = re.compile(
    r"(^|_)(scope|schema|queue|actor|field|attribute|claim|key|table|column|bucket|namespace"
    r"|branch|tag|event|metric|variable|param|parameter|property|header|cookie|module|class"
    r"|function|method|index|database|container|node|cluster|region|zone)_?name$"
)
NAME_RULES: tuple[tuple[re.Pattern[str], Callable[[Faker], Any]], ...] = (
    (re.compile(r"(^|_)e?mail($|_)"), lambda f: f.email()),
    (re.compile(r"username|^user_?name$"), lambda f: f.user_name()),
    (re.compile(r"first_name"), lambda f: f.first_name()),
    (re.compile(r"last_name"), lambda f: f.last_name()),
    (re.compile(r"slug"), lambda f: f.slug()),
    (re.compile(r"(^|_)(avatar|picture|photo)($|_)"), lambda f: images.avatar(f.name())),
    (re.compile(r"(^|_)(icon|logo|favicon|image|thumbnail)($|_)"), lambda f: images.icon(f.word())),
    (re.compile(r"(^|_)(url|uri|href|link|endpoint|launch_url|redirect)"), lambda f: fast_url(f)),
    (re.compile(r"domain|host|(^|_)server_?name$"), lambda f: fast_domain(f)),
    (re.compile(r"(^|_)file_?name$"), lambda f: f.file_name()),
    # A name a program reads rather than a person (a scope's, a queue's, a column's): a word.
    (TECHNICAL_NAME, lambda f: "_".join(f.words(2))),
    (re.compile(r"(^|_)ip($|_)|address"), lambda f: f.ipv4_public()),
    (re.compile(r"title|subject"), lambda f: f.sentence(nb_words=4).rstrip(".")),
    (re.compile(r"description|message|text|comment|summary"), lambda f: f.sentence()),
    (re.compile(r"(^|_)path$"), lambda f: "/" + "/".join(f.words(2))),
    (re.compile(r"phone"), lambda f: f.phone_number()),
    (re.compile(r"country"), lambda f: f.country_code()),
    (re.compile(r"company|organi[sz]ation|publisher"), lambda f: f.company()),
    (re.compile(r"^name$|_name$|^label$|display"), lambda f: f.catch_phrase()),
    (re.compile(r"color|colour"), lambda f: f.hex_color()),
    (re.compile(r"version"), lambda f: f"{f.random_int(1, 9)}.{f.random_int(0, 20)}"),
)
IMAGE_NAME = re.compile(r"(^|_)(avatar|picture|photo|icon|logo|favicon|image|thumbnail)($|_)")
"""Fields that hold a picture: a `data:` URI, even where the format says URI (it is one)."""
VERSION_NAME = re.compile(r"(^|_)version($|_)")
PERSON_OWNER = re.compile(
    r"(User|Member|Person|People|Owner|Author|Contact|Customer|Employee)(Self|Request)?$"
)
GROUP_OWNER = re.compile(r"Group$")
APPLICATION_OWNER = re.compile(r"Application$")
GROUP_NAMES = (
    "Engineering",
    "Platform Team",
    "Sales",
    "Marketing",
    "Customer Support",
    "Finance",
    "Human Resources",
    "Operations",
    "Legal",
    "Design",
    "IT Administrators",
    "Security",
    "Contractors",
    "Interns",
    "Data Science",
    "Executives",
)
APPLICATION_NAMES = (
    "Grafana",
    "GitLab",
    "Nextcloud",
    "Jenkins",
    "Outline Wiki",
    "Mattermost",
    "Vaultwarden",
    "Portainer",
    "Sentry",
    "MinIO Console",
    "Proxmox",
    "Zammad Helpdesk",
    "Home Assistant",
    "Paperless",
    "Jellyfin",
    "Argo CD",
    "Harbor",
    "Kibana",
    "Netbox",
    "Immich",
)
SOURCE_NAMES = {
    "LDAP": ("Corporate LDAP", "Active Directory", "OpenLDAP"),
    "OAuth": ("GitHub", "Google", "Entra ID", "Okta", "Keycloak", "GitLab"),
    "SAML": ("Partner SAML IdP", "ADFS", "Shibboleth"),
    "Kerberos": ("Kerberos realm", "EXAMPLE.COM realm"),
    "Plex": ("Plex",),
    "Telegram": ("Telegram",),
    "SCIM": ("HR system (SCIM)", "Workday (SCIM)"),
    "": ("Corporate LDAP", "GitHub", "Google", "Partner SAML IdP"),
}
"""A login source's name, by the kind its schema names (`LDAPSource`)."""
CONFIGURED_OWNER = re.compile(r"(Stage|Policy|Flow|Mapping|Outpost|Connection|Connector|Rule)$")
"""Objects an administrator names after the team and the kind of thing:
`engineering-password-policy`."""
APPLICATION_GROUPS = ("Engineering", "Collaboration", "Monitoring", "Infrastructure", "Media")
USER_PATHS = ("users", "users/engineering", "users/contractors", "goauthentik.io/sources/ldap")
OWNER_RULES: tuple[tuple[re.Pattern[str], re.Pattern[str], Callable[[Faker], Any]], ...] = (
    (PERSON_OWNER, re.compile(r"^name$"), lambda f: f.name()),
    (re.compile(r"ThemedUrls$"), re.compile(r"^(light|dark)$"), lambda f: images.icon(f.word())),
    (GROUP_OWNER, re.compile(r"^name$"), lambda f: f.random_element(GROUP_NAMES)),
    (APPLICATION_OWNER, re.compile(r"^name$"), lambda f: f.random_element(APPLICATION_NAMES)),
    (APPLICATION_OWNER, re.compile(r"^meta_publisher$"), lambda f: f.company()),
    (APPLICATION_OWNER, re.compile(r"^group$"), lambda f: f.random_element(APPLICATION_GROUPS)),
    (
        re.compile(r"Provider$"),
        re.compile(r"^name$"),
        lambda f: f"{f.random_element(APPLICATION_NAMES)} provider",
    ),
    (PERSON_OWNER, re.compile(r"^path$"), lambda f: f.random_element(USER_PATHS)),
    (APPLICATION_OWNER, re.compile(r"^meta_description$"), lambda f: f.catch_phrase()),
    (re.compile(r"Certificate(KeyPair)?$"), re.compile(r"^name$"), lambda f: fast_domain(f)),
)
"""Rules for a field of a particular kind of object: a user's `name` is a person's name."""


DOMAIN_POOL_SIZE = 128


@functools.cache
def _format_checker() -> Any:
    """openapi-schema-validator's format checks, and the standard's where it has none
    (`uri`, `hostname`) or refuses what the standard means (`time` with its offset)."""
    from jsonschema import FormatChecker
    from openapi_schema_validator import oas30_format_checker

    checker = FormatChecker(formats=())
    checker.checkers = dict(oas30_format_checker.checkers)
    for name, check in STANDARD_FORMATS.items():
        checker.checkers[name] = (check, (ValueError, TypeError))
    return checker


@functools.cache
def _domains() -> tuple[str, ...]:
    """Faker's domain names, made once from a fixed seed: Faker makes each from a company's
    name, which took most of a large document's start-up."""
    from faker import Faker

    fake = Faker()
    fake.seed_instance(DOMAIN_POOL_SIZE)
    return tuple(dict.fromkeys(fake.domain_name() for _ in range(DOMAIN_POOL_SIZE)))


def fast_domain(fake: Faker) -> str:
    return fake.random.choice(_domains())


def fast_url(fake: Faker) -> str:
    """A URL as Faker writes one (`https://www.example.com/`), of a domain from the pool."""
    scheme = fake.random.choice(("https://", "https://www.", "http://", "http://www."))
    return f"{scheme}{fast_domain(fake)}/"


def stable_seed(*parts: Any) -> int:
    """A seed from several values, the same in every process (unlike `hash()`)."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big")


class _Turns:
    """One thread's Faker (made when first drawn from) and the generator whose draws it is
    making (held weakly: a generator nothing else holds has no draws left to keep)."""

    def __init__(self) -> None:
        self.made: Faker | None = None
        self.holder: weakref.ref[Synth] | None = None

    @property
    def fake(self) -> Faker:
        if self.made is None:
            from faker import Faker  # here: Faker's import alone is a twentieth of a start

            self.made = Faker(["en_US"])
        return self.made

    def holds(self, synth: Synth) -> bool:
        return self.holder is not None and self.holder() is synth


class _ThreadTurns(threading.local):
    turns: _Turns | None = None


_THREAD_TURNS = _ThreadTurns()


def _thread_turns() -> _Turns:
    turns = _THREAD_TURNS.turns
    if turns is None:
        turns = _THREAD_TURNS.turns = _Turns()
    return turns


class Synth:
    """Generates values for the schemas of one document."""

    def __init__(self, document: Mapping[str, Any], seed: int) -> None:
        self.document = document
        self.seed = seed
        self._fake_seed = seed
        self._fake_state: Any = None
        """Where this generator's Faker draws had got to when it last gave a Faker up (None:
        none since seeded)."""
        self._turns: _Turns | None = None
        """The thread's Faker this generator last drew from."""
        self.random = random.Random(seed)
        self.version = str((document.get("info") or {}).get("version") or "")
        self._owner = ""
        self._discriminating: set[int] = set()
        """The schemas whose variant is being made (a variant's `allOf` names its parent)."""
        self._read: dict[tuple[str, int, Any], tuple[Any, Any]] = {}
        """What was read of a schema once (`_once`), by what was read and the schema's id."""
        self._spent = 0
        """Values made so far for the value being made (`VALUE_BUDGET`)."""
        self._nesting = 0
        """How many values are being made inside one another (`one_value`)."""

    @property
    def fake(self) -> Faker:
        """The thread's Faker, drawing as this generator's own would: seeded as it was last
        told, or from where its draws had got to when it gave a Faker up (to another
        generator, or to draw on another thread). Made once per thread rather than once per
        generator: one takes milliseconds, and a document of 1,300 resources (or an answer
        per request) would make one each."""
        turns = _thread_turns()
        if not turns.holds(self):
            last = self._turns
            if last is not None and last is not turns and last.holds(self):
                self._fake_state = last.fake.random.getstate()  # drawn on another thread
                last.holder = None
            previous = turns.holder() if turns.holder is not None else None
            if previous is not None:
                previous._fake_state = turns.fake.random.getstate()
            if self._fake_state is None:
                turns.fake.seed_instance(self._fake_seed)
            else:
                turns.fake.random.setstate(self._fake_state)
            turns.holder, self._turns = weakref.ref(self), turns
        return turns.fake

    @contextmanager
    def one_value(self) -> Iterator[None]:
        """Values made inside count as parts of one (`VALUE_BUDGET`): a record made as a whole
        and then field by field."""
        if self._nesting == 0:
            self._spent = 0  # a new value: a new budget
        self._nesting += 1
        try:
            yield
        finally:
            self._nesting -= 1

    def reseed(self, *parts: Any) -> None:
        """Continue from a seed made of this one and `parts` (cheaper than a new `Synth`)."""
        seed = stable_seed(self.seed, *parts)
        self._fake_seed, self._fake_state = seed, None
        if self._turns is not None and self._turns.holds(self):
            self._turns.holder = None  # seeded anew when next drawn from
        self.random.seed(seed)

    def value(
        self,
        schema: Any,
        *,
        name: str = "",
        reading: bool = True,
        depth: int = 0,
        owner: str | None = None,
    ) -> Any:
        """A value valid for `schema`; `reading` leaves out writeOnly properties (responses),
        otherwise readOnly ones (requests). `owner` names the object schema whose properties
        these are (a `$ref` names it by itself)."""
        reference = schema.get("$ref") if isinstance(schema, Mapping) else None
        if isinstance(reference, str) and reference.startswith("#/components/schemas/"):
            owner = reference.rsplit("/", 1)[-1]
        outer, self._owner = self._owner, owner if owner is not None else self._owner
        if self._nesting == 0:  # `one_value`, written out: it is entered for every value
            self._spent = 0
        self._nesting += 1
        try:
            return self._value(schema, name=name, reading=reading, depth=depth)
        finally:
            self._nesting -= 1
            self._owner = outer

    def shown_as(
        self,
        schema: Any,
        value: Any,
        *place: Any,
        valid: Callable[[Any, Any], bool] | None = None,
        depth: int = 0,
    ) -> Any:
        """`value`, held for another description of the same field, as `schema` shows it (a
        list's summary that shows an order's `pricing.total` as text, where the order holds a
        number): itself where `schema` admits it; the same number spelled as text, or the
        number a text spells; an object field by field (a required field it lacks drawn, one
        a closed schema does not name left out) and a list item by item; what `schema` still
        does not admit is drawn from it. A draw is seeded by `place` (what names the value:
        its object, its field), so a value is shown alike in every list. `valid(schema,
        value)` says what a schema admits (this generator's own check where not given)."""
        admits = valid or self._valid
        resolved = resolve(self.document, schema)
        if not isinstance(resolved, Mapping) or depth > MAX_REQUIRED_DEPTH:
            return value
        kinds = admitted_kinds(self.document, resolved)
        shown = value
        if "object" in kinds and isinstance(value, dict):
            properties, required = object_shape(self.document, schema)
            closed = _closed(self.document, resolved)
            shown = {
                name: self.shown_as(
                    properties[name], held, *place, name, valid=valid, depth=depth + 1
                )
                if name in properties
                else held
                for name, held in value.items()
                if name in properties or not closed
            }
            for name in sorted(required - shown.keys()):
                if name in properties:
                    self.reseed(*place, name)
                    shown[name] = self.value(properties[name], name=name)
        elif "array" in kinds and isinstance(value, list):
            items = resolved.get("items") or {}
            shown = [
                self.shown_as(items, held, *place, index, valid=valid, depth=depth + 1)
                for index, held in enumerate(value)
            ]
        elif not admits(schema, value):
            spelled = _spelled(value, kinds)
            shown = value if spelled is None else spelled
        if admits(schema, shown):
            return shown
        self.reseed(*place)
        return self.value(schema)

    def _value(self, schema: Any, *, name: str, reading: bool, depth: int) -> Any:
        self._spent += 1
        schema = resolve(self.document, schema) if isinstance(schema, Mapping) else {}
        # The document's own values are copied: a value is the caller's to change (a variant
        # named by its discriminator, a record's fields), and the document is every caller's.
        if "const" in schema:
            return _own(schema["const"])
        if "enum" in schema:
            options = [option for option in schema["enum"] if option is not None] or [None]
            # An enum can hold values its own pattern or lengths refuse: those are not valid.
            options = [option for option in options if string_fits(option, schema)] or options
            return _own(self.random.choice(options))
        if (schema.get("nullable") is True or isinstance(schema.get("type"), list)) and (
            self._only_null(schema)
        ):
            return None  # an object that can hold nothing else (its parts disagree) is null
        if (
            "example" in schema
            and depth > 0
            and self.random.random() < 0.3
            and self._example_fits(schema)
        ):
            return _own(schema["example"])
        if "allOf" in schema:
            return self._all_of(schema, name=name, reading=reading, depth=depth)
        discriminator = schema.get("discriminator")
        mapping = discriminator_mapping(schema)
        if (
            mapping
            and isinstance(discriminator, Mapping)
            and id(schema) not in self._discriminating  # a variant that includes its parent
        ):
            return self._discriminated(
                schema, discriminator, mapping, name=name, reading=reading, depth=depth
            )
        sets = exclusive_requirements(self.document, schema)
        if sets and schema.get("properties"):  # one set of names, and never another whole
            chosen = self.random.randrange(len(sets))
            required = set(schema.get("required") or ()) | sets[chosen]
            left = left_for(sets, chosen, set(schema.get("required") or ()))
            narrowed = {k: v for k, v in schema.items() if k != "oneOf"}
            narrowed["properties"] = {
                k: v for k, v in schema["properties"].items() if k not in left
            }
            narrowed["required"] = sorted(required)
            return self._object(narrowed, name=name, reading=reading, depth=depth)
        for keyword in ("oneOf", "anyOf"):
            if keyword in schema:
                branches = [
                    b for b in schema[keyword] if resolve(self.document, b).get("enum") != [None]
                ]
                if keyword == "oneOf" and len(branches) > 1:
                    return self._one_of(branches, name=name, reading=reading, depth=depth)
                return self._any_of(schema, keyword, branches, name, reading, depth)
        kind = schema.get("type")
        if isinstance(kind, list):  # OpenAPI 3.1: a list of types, maybe with "null"
            kinds = [k for k in kind if k != "null"]
            kind = kinds[0] if kinds else "null"
        if kind == "null":
            return None
        if kind is None:
            kind = "object" if "properties" in schema else "string"
        return getattr(self, f"_{kind}", self._string)(
            schema, name=name, reading=reading, depth=depth
        )

    def _any_of(
        self,
        schema: Mapping[str, Any],
        keyword: str,
        branches: list[Any],
        name: str,
        reading: bool,
        depth: int,
    ) -> Any:
        """A value of the first branch that, with the schema's own keywords beside `anyOf`
        (Adyen's `additionalProperties: {type: string}` around branches with boolean
        properties), is valid for the whole; else of the schema without its branches."""
        first = self.value(branches[0] if branches else {}, name=name, reading=reading, depth=depth)
        if not {k for k in schema if not k.startswith("x-")} - SIBLING_WORDS - {keyword}:
            return first  # nothing beside the branches: any branch's value is valid
        own = {k: v for k, v in schema.items() if k != keyword}
        tried = (*branches[1:MAX_BRANCH_TRIES], own)
        value = first
        for number in range(len(tried) + 1):
            if number:  # each made only once the one before it is refused
                value = self.value(tried[number - 1], name=name, reading=reading, depth=depth)
            try:
                if self._valid(schema, value):
                    return value
            except Exception:  # a schema the validator cannot read: the first branch's
                return first
        return first

    def _discriminated(
        self,
        schema: Mapping[str, Any],
        discriminator: Mapping[str, Any],
        mapping: Mapping[str, str],
        **context: Any,
    ) -> Any:
        """A variant named by the discriminator; where the variants are loose enough that a
        value fits several (which `oneOf` forbids), another variant is tried."""
        choices = sorted(mapping.items())
        self.random.shuffle(choices)
        branches = schema.get("oneOf", [])
        chosen: Any = None
        self._discriminating.add(id(schema))
        try:
            for key, target in choices[:ONE_OF_ATTEMPTS]:
                chosen = self.value({"$ref": target}, **context)
                if not isinstance(chosen, dict) and not self._typed({"$ref": target}):
                    chosen = {}  # a variant of any value: the discriminator makes it an object
                if isinstance(chosen, dict):
                    chosen[discriminator["propertyName"]] = key
                if len(branches) < 2 or sum(self._valid(b, chosen) for b in branches) == 1:
                    return chosen
                # Loose variants (ExaVault's webhook attributes, any other property allowed)
                # all take it: set apart as `_one_of` does, where the variant is a branch.
                branch = next((b for b in branches if b.get("$ref") == target), None)
                kept = discriminator["propertyName"]
                set_apart = self._set_apart(chosen, branch, branches, kept=kept) if branch else None
                if set_apart is not None:
                    return set_apart
            return chosen
        finally:
            self._discriminating.discard(id(schema))

    def _one_of(self, branches: list[Any], **context: Any) -> Any:
        """A value that matches exactly one branch, as `oneOf` demands; loose object branches
        often match several, so try each branch a few times."""
        value = None
        for attempt in range(ONE_OF_ATTEMPTS):
            branch = branches[attempt % len(branches)]
            value = self.value(branch, **context)
            if sum(self._valid(other, value) for other in branches) == 1:
                return value
            set_apart = self._set_apart(value, branch, branches)
            if set_apart is not None:
                return set_apart
        return value

    def _set_apart(
        self,
        value: Any,
        branch: Any,
        branches: list[Any],
        depth: int = 0,
        *,
        kept: str | None = None,
    ) -> Any:
        """`value` (made for `branch`) given, where other branches accept it too, a property
        only they describe, of a type they refuse: loose object branches (no `required`, any
        other property allowed) all accept `{"url": ...}`, so only this sets it apart; an
        empty list, one item of the branch's own. `kept`: a property never changed (the
        discriminator's, which names the variant)."""
        own = resolve(self.document, branch)
        if isinstance(value, list) and not value and isinstance(own.get("items"), dict):
            # An empty list fits every list branch (GeoJSON's coordinates: numbers, or lists
            # of them), as a value past its budget is: one item of this branch's kind.
            listed = [self.value(own["items"])]
            alone = sum(self._valid(other, listed) for other in branches) == 1
            return listed if alone and self._valid(branch, listed) else None
        if not isinstance(value, dict):
            return None
        shape = object_shape(self.document, own)[0]
        # A choice of this branch the others refuse (InfluxDB's variable `type: query`, where
        # a value cut short held none): it alone sets the value apart.
        for name, schema in shape.items():
            if name == kept:
                continue
            choices = resolve(self.document, schema).get("enum") or []
            for choice in choices:
                marked_value = {**value, name: choice}
                alone = sum(self._valid(other, marked_value) for other in branches) == 1
                if alone and self._valid(branch, marked_value):
                    return marked_value
        if own.get("additionalProperties") is False:
            return None
        mine = set(shape)
        changed = dict(value)
        for other in branches:
            if other is branch or not self._valid(other, changed):
                continue
            theirs = object_shape(self.document, resolve(self.document, other))[0]
            free = [name for name in theirs if name not in mine and name not in changed]
            wrong = next(
                (
                    (name, WRONG_VALUE[kind])
                    for name in free
                    if (kind := resolve(self.document, theirs[name]).get("type")) in WRONG_VALUE
                ),
                None,
            )
            if wrong is not None:
                changed[wrong[0]] = wrong[1]
                continue
            # Alike at the top (ExaVault's webhook attributes, v1 and v2): set apart inside an
            # object both describe, where theirs names what ours does not (`details.attempt`).
            inner = self._set_apart_inside(changed, shape, theirs, depth)
            if inner is None:
                return None
            changed = inner
        valid = sum(self._valid(other, changed) for other in branches) == 1
        return changed if valid and self._valid(branch, changed) else None

    def _set_apart_inside(
        self, value: dict[str, Any], shape: Mapping[str, Any], theirs: Mapping[str, Any], depth: int
    ) -> dict[str, Any] | None:
        """`value` with one object both shapes describe set apart from theirs (the first, in
        the document's order: the same for any hash seed), or a list of objects both describe
        by its first item (Nexmo's reports: eleven answers alike but for their records' items;
        an empty list is given one); None where none can be."""
        if depth >= 2:
            return None
        for name in shape:
            if name not in theirs:
                continue
            inner = value.get(name)
            if isinstance(inner, dict):
                both = [shape[name], theirs[name]]
                apart = self._set_apart(inner, shape[name], both, depth + 1)
                if apart is not None:
                    return {**value, name: apart}
            elif isinstance(inner, list) and (not inner or isinstance(inner[0], dict)):
                mine = resolve(self.document, shape[name]).get("items")
                other = resolve(self.document, theirs[name]).get("items")
                if not isinstance(mine, Mapping) or not isinstance(other, Mapping):
                    continue
                first = inner[0] if inner else self.value(mine)
                if not isinstance(first, dict):
                    continue
                apart = self._set_apart(first, mine, [mine, other], depth + 1)
                if apart is not None:
                    return {**value, name: [apart, *inner[1:]]}
        return None

    def _typed(self, schema: Mapping[str, Any]) -> bool:
        """Whether a schema says what kind of value it holds (a type, or parts that might)."""
        resolved = resolve(self.document, schema)
        return any(k in resolved for k in ("type", "properties", "allOf", "oneOf", "anyOf", "enum"))

    def _example_fits(self, schema: Mapping[str, Any]) -> bool:
        """Whether a schema's example is valid for it: documents carry examples of an array
        written as one item, of an object without its required fields, ... (checked once)."""
        return self._once("example", schema, lambda: self._example_valid(schema))

    def _example_valid(self, schema: Mapping[str, Any]) -> bool:
        example = schema["example"]
        fits = _of_its_type(example, schema)
        if fits and (isinstance(example, dict | list) or "format" in schema):
            try:
                fits = self._valid(schema, example)
            except Exception:  # a schema the validator cannot read: trust the example
                fits = True
        return fits and string_fits(example, schema)

    def _valid(self, schema: Any, value: Any) -> bool:
        """Whether `value` is valid for `schema`, formats included (`"" is not a "uri"`)."""
        # Imported here: only examples and oneOf need it, and the import is slow.
        from openapi_schema_validator import OAS30Validator

        resolved = resolve(self.document, schema)
        validator = self._once(  # made once per schema (oneOf retries)
            "validator",
            resolved,
            lambda: OAS30Validator({**self.document, **resolved}, format_checker=_format_checker()),
        )
        try:
            return bool(validator.is_valid(value))
        except Exception:  # a schema its dialect cannot read (Adyen's 3.0 `type: [...]`)
            return False  # no value is known to be valid for it

    def _all_of(self, schema: Mapping[str, Any], **context: Any) -> Any:
        combined = self._once("allOf", schema, lambda: self._combined_object(schema))
        if combined is not None:  # one object of every part's fields, each made once
            return self._object(combined, **context)
        scalar = combined_scalar(self.document, schema)
        if scalar is not None:  # `allOf: [{$ref: Id}, {maxLength: 8}]`: one value of both
            return self.value(scalar, **context)
        merged: Any = None
        # A part that only annotates (Pandascore's `allOf: [{nullable: true}, {$ref: Id}]`)
        # makes no value of its own: its untyped string stood for the integer the other means.
        shaping = [part for part in schema["allOf"] if _shapes(resolve(self.document, part))]
        for part in shaping or schema["allOf"]:
            value = self.value(part, **context)
            if isinstance(value, dict) and isinstance(merged, dict):
                merged = {**merged, **value}
            elif merged is None:
                merged = value
        rest = {k: v for k, v in schema.items() if k not in {"allOf", "nullable", "description"}}
        if rest.get("properties") and isinstance(merged, dict):
            merged.update(self.value(rest, **context))
        return merged

    def _combined_object(self, schema: Mapping[str, Any]) -> dict[str, Any] | None:
        """An `allOf` of object schemas as one object schema: every part's properties (where
        two parts describe one, the more precise description), every part's required names.
        None where a part is not a plain object (a variant choice, another type)."""
        properties: dict[str, Any] = {}
        required: set[str] = set()
        parts: list[Mapping[str, Any]] = []

        def add(part: Any, depth: int) -> bool:
            part = resolve(self.document, part) if isinstance(part, Mapping) else {}
            if depth > 8 or part.get("type") not in (None, "object"):
                return False
            if any(k in part for k in ("oneOf", "anyOf", "discriminator", "not", "enum")):
                return False
            if not all(add(inner, depth + 1) for inner in part.get("allOf", [])):
                return False
            for prop, prop_schema in (part.get("properties") or {}).items():
                known = properties.get(prop)
                properties[prop] = (
                    prop_schema if known is None else refined(self.document, known, prop_schema)
                )
            required.update(part.get("required", []))
            parts.append(part)
            return True

        if not add({k: v for k, v in schema.items()}, 0) or not properties:
            return None
        for part in parts:
            held_by_extra(self.document, properties, part, (part.get("properties") or {}).keys())
        combined = {"type": "object", "properties": properties, "required": sorted(required)}
        extra = schema.get("additionalProperties")
        if isinstance(extra, Mapping) and extra:  # what holds a required name no part defines
            combined["additionalProperties"] = extra
        return combined

    def _object(self, schema: Mapping[str, Any], *, name: str, reading: bool, depth: int) -> Any:
        required = set(schema.get("required", []))
        result: dict[str, Any] = {}
        for prop, prop_schema, needed, nullable, surely_nullable in self._fields(schema, reading):
            spent = self._spent > VALUE_BUDGET
            if (depth >= MAX_DEPTH or spent) and (not needed or depth >= MAX_REQUIRED_DEPTH):
                if needed and nullable:
                    result[prop] = None  # deep enough: null ends it (GitHub's `team.parent`)
                continue  # a required cycle (`TreeNode.parent`) has no finite value: cut
            if surely_nullable and not needed and self.random.random() < 0.15:
                result[prop] = None
                continue
            result[prop] = self.value(prop_schema, name=prop, reading=reading, depth=depth + 1)
        extra = schema.get("additionalProperties")
        for prop in sorted(required - set(result)):  # required, though never described
            if prop not in schema.get("properties", {}):
                loose = extra if isinstance(extra, Mapping) and extra else {"type": "string"}
                result[prop] = self.value(loose, name=prop, reading=reading, depth=depth + 1)
        fewest, most = schema.get("minProperties", 0), schema.get("maxProperties")
        if len(result) < fewest:  # described ones first, the plainest first (cut or drawn null)
            left = [
                (prop, prop_schema)
                for prop, prop_schema in schema.get("properties", {}).items()
                if prop not in result
                and not forbidden(self.document, prop_schema)
                and not marked(self.document, prop_schema, "writeOnly" if reading else "readOnly")
                and not admits_nothing(self.document, prop_schema)
            ]
            left.sort(key=lambda pair: _is_composite(resolve(self.document, pair[1])))
            for prop, prop_schema in left[: fewest - len(result)]:
                result[prop] = self.value(
                    prop_schema, name=prop, reading=reading, depth=max(depth, MAX_DEPTH) + 1
                )
        if extra not in (None, False) and (
            (not schema.get("properties") and depth < MAX_DEPTH) or len(result) < fewest
        ):
            wanted = max(fewest - len(result), self.random.randint(0, 2))
            loose = extra if isinstance(extra, Mapping) and extra else {"type": "string"}
            for _ in range(wanted * 3):  # words repeat: a few more draws for distinct keys
                if wanted <= 0 or (most is not None and len(result) >= most):
                    break
                key = self.fake.word()
                if key not in result:
                    result[key] = self.value(loose, name=key, reading=reading, depth=depth + 1)
                    wanted -= 1
        if isinstance(most, int) and len(result) > most:  # keep the required ones first
            kept = sorted(result, key=lambda key: key not in required)[:most]
            result = {key: value for key, value in result.items() if key in kept}
        return result

    def _fields(self, schema: Mapping[str, Any], reading: bool) -> list[Field]:
        """The properties an object of `schema` may hold in a response (`reading`) or a
        request, with what decides each one's value; read once per schema, since an entity's
        schema is met for every record and every copy nested in one."""
        return self._once("fields", schema, lambda: self._fields_of(schema, reading), reading)

    def _fields_of(self, schema: Mapping[str, Any], reading: bool) -> list[Field]:
        required = set(schema.get("required", []))
        fields: list[Field] = []
        for prop, prop_schema in schema.get("properties", {}).items():
            if forbidden(self.document, prop_schema):  # `not: {}`: never present
                continue
            resolved = resolve(self.document, prop_schema)
            if marked(self.document, prop_schema, "writeOnly" if reading else "readOnly"):
                continue
            needed = prop in required
            if not needed and admits_nothing(self.document, resolved):
                continue  # no value is valid for it, and none is needed
            fields.append(
                (
                    prop,
                    prop_schema,
                    needed,
                    needed and is_nullable(self.document, resolved),
                    is_nullable(self.document, resolved, surely=True),
                )
            )
        return fields

    def _only_null(self, schema: Mapping[str, Any]) -> bool:
        """Whether null is the one value a nullable schema admits: what it says beside
        `nullable` (or beside `null` in its types) admits nothing. Read once per schema."""

        def only() -> bool:
            kind = schema.get("type")
            if isinstance(kind, list):
                others = [k for k in kind if k != "null"]
                rest = {**schema, "type": others[0] if len(others) == 1 else others}
            else:
                rest = {k: v for k, v in schema.items() if k != "nullable"}
            # What it says beside null: a type, or parts (Shipengine's `form_download`:
            # nullable, and `allOf` a link that requires a name it closes itself to). Null
            # where any reading admits it (3.0 reads `nullable` beside `allOf` as nothing,
            # checkers as null): no other value is valid under any.
            says = bool(rest.get("type")) or any(k in rest for k in ("allOf", "anyOf", "oneOf"))
            return (
                says and is_nullable(self.document, schema) and admits_nothing(self.document, rest)
            )

        return self._once("only null", schema, only)

    def _admits_nothing(self, schema: Any) -> bool:
        """`admits_nothing`, read once per schema (it merges an object's `allOf` parts)."""
        return self._once("nothing", schema, lambda: admits_nothing(self.document, schema))

    def _once(self, what: str, schema: Any, read: Callable[[], Any], extra: Any = None) -> Any:
        """`read()` of `schema`, made once per schema object (held with it, so its id is never
        another's); schemas made while generating (a narrowed copy) are new objects each time,
        so the memo starts afresh once it holds `MEMO_ENTRIES`."""
        key = (what, id(schema), extra)
        known = self._read.get(key)
        if known is None or known[0] is not schema:
            if len(self._read) >= MEMO_ENTRIES:
                self._read.clear()
            known = self._read[key] = (schema, read())
        return known[1]

    def _array(
        self, schema: Mapping[str, Any], *, name: str, reading: bool, depth: int
    ) -> list[Any]:
        low = schema.get("minItems", 0)
        fewest = depth >= MAX_DEPTH or self._spent > VALUE_BUDGET
        high = max(low, min(schema.get("maxItems", 3), low if fewest else 3))
        items = schema.get("items", {})
        if not low and self._admits_nothing(items):
            return []  # Visual Studio's `type: integer` of string choices: no item is valid
        wanted = self.random.randint(low, high)
        values: list[Any] = []
        for _ in range(wanted * 4 if schema.get("uniqueItems") else wanted):
            if len(values) >= wanted:
                break
            value = self.value(items, name=name, reading=reading, depth=depth + 1)
            if not schema.get("uniqueItems") or value not in values:
                values.append(value)
        return values

    def _boolean(self, schema: Mapping[str, Any], **_: Any) -> bool:
        return self.random.random() < 0.5

    def _integer(self, schema: Mapping[str, Any], **_: Any) -> int:
        low, high = _bounds(schema, 0, 1000)
        step = schema.get("multipleOf")
        if isinstance(step, int) and not isinstance(step, bool) and step > 0:
            first, last = -(-int(low) // step), int(high) // step
            if first <= last:
                return step * self.random.randint(first, last)
        return self.random.randint(math.ceil(low), max(math.ceil(low), math.floor(high)))

    def _number(self, schema: Mapping[str, Any], **_: Any) -> float | int:
        low, high = _bounds(schema, 0.0, 1000.0)
        step = schema.get("multipleOf")
        if isinstance(step, int | float) and not isinstance(step, bool) and step > 0:
            first, last = math.ceil(low / step), math.floor(high / step)
            if first <= last:
                multiple = self.random.randint(first, last) * step
                # A float multiple (0.01 * 7) carries binary noise; the decimal one does not.
                return int(multiple) if isinstance(step, int) else float(f"{multiple:.10g}")
        return round(self.random.uniform(low, high), 2)

    def _string(self, schema: Mapping[str, Any], *, name: str, **_: Any) -> str:
        fmt = schema.get("format")
        if IMAGE_NAME.search(name.lower()) and fmt in (None, "uri", "url", "uri-reference"):
            fmt = None
        lengths = (schema.get("maxLength"), schema.get("minLength", 0))
        value = self._formatted(fmt, lengths) if fmt else None
        pattern = schema.get("pattern")
        for _ in range(FORMAT_ATTEMPTS if value is not None and pattern else 0):
            if _search(pattern, value):
                break
            # Another of the format's values (Canada's `https+` URIs: an `http` one drew
            # `httpssss` from the pattern, which is no URI).
            value = self._formatted(fmt, lengths) or value
        if value is not None and pattern and not _search(pattern, value):
            value = self._formatted_and_matching(fmt, value, pattern) or value
        if value is None:
            value = self._by_name(name)
        if pattern and not _search(pattern, value):
            value = _fitted(pattern, value) or self.from_pattern(pattern) or value
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        if high is not None and len(value) > high:
            value = value[:high]
        if len(value) < low:
            # Its own last character keeps most patterns (`^[0-9a-f]+$`); else "x".
            filler = value[-1:] if pattern and value else "x"
            value = value + filler * (low - len(value))
        if pattern and not _search(pattern, value):
            # A pattern's own strings, of a fitting length; then its shortest (every repeat
            # at its least), which a pattern padded with `.*` and an exact length needs; last,
            # longer ones (an open repeat taken more often: base64 of at least 20 characters).
            tries = [(False, 0)] * PATTERN_ATTEMPTS + [(True, 0)]
            tries += [(False, more) for more in STRETCHES for _ in range(3)] if low else []
            for shortest, more in tries:
                drawn = self.from_pattern(pattern, shortest=shortest, stretch=more)
                if drawn is not None and low <= len(drawn) <= (high or len(drawn)):
                    return drawn
        return value

    def _formatted_and_matching(self, fmt: str, value: str, pattern: str) -> str | None:
        """A value of the format that ends in the pattern's own string, where the pattern
        may match anywhere but its start (OPTIMADE's URI `.+/v[0-1](\\.[0-9]+)*/?$`:
        `https://example.com/` joined with `ab/v1/`); None where no join keeps both."""
        if pattern.startswith(("^", "\\A")):
            return None
        checker = _format_checker()
        for _ in range(PATTERN_ATTEMPTS):
            drawn = self.from_pattern(pattern)
            if drawn is None:
                return None
            for joined in (value + drawn, value.rstrip("/") + "/" + drawn.lstrip("/")):
                if _search(pattern, joined) and checker.conforms(joined, fmt):
                    return joined
        return None

    def _formatted(self, fmt: str, lengths: tuple[int | None, int] = (None, 0)) -> str | None:
        f = self.fake
        if fmt == "uuid":
            return str(uuid.UUID(int=self.random.getrandbits(128), version=4))
        if fmt == "date-time":
            moment = EPOCH - timedelta(seconds=self.random.randint(0, 730 * 86400))
            return fitted_instant(moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), *lengths)
        if fmt == "date":
            return (EPOCH - timedelta(days=self.random.randint(0, 730))).date().isoformat()
        if fmt == "time":  # RFC 3339's full-time: with its offset
            return f"{self.random.randint(0, 23):02d}:{self.random.randint(0, 59):02d}:00Z"
        formats: dict[str, Callable[[], str]] = {
            "email": f.email,
            "uri": lambda: fast_url(f),
            "url": lambda: fast_url(f),
            "uri-reference": lambda: "/" + f.uri_path(),
            "hostname": lambda: fast_domain(f),
            "ipv4": f.ipv4,
            "ipv6": f.ipv6,
            "byte": lambda: "aGVsbG8=",
            "binary": lambda: "",
            "password": lambda: f.password(length=12),
            "duration": lambda: f"P{self.random.randint(1, 30)}D",
        }
        make = formats.get(fmt)
        return make() if make else None

    def _by_name(self, name: str) -> str:
        return _namer(name.lower(), self._owner, bool(self.version))(self)

    def from_pattern(self, pattern: str, *, shortest: bool = False, stretch: int = 0) -> str | None:
        """A string matching a simple regular expression, or None where it is too hard;
        `shortest`: each repeat as few times as it may be; `stretch`: an open repeat (`*`,
        `+`) up to this many more times than usual. A lookahead is first passed over, then,
        where that misses, written out where it stands, for what follows to match it again
        (AWS's ARNs: `^arn:(?=[^:]+:fsx:[^:]+:\\d{12}:)((|[a-z0-9].*):){4}.*$`)."""
        try:
            parsed = sre_parse.parse(pattern)
        except (re.error, RecursionError, ValueError):
            return None
        for ahead in (False, True):
            try:
                value = "".join(self._emit(parsed, 0, shortest, stretch, ahead))
            except (NotImplementedError, re.error, RecursionError, TypeError, ValueError):
                return None
            if _search(pattern, value):
                return value
            if not _has_lookahead(parsed):
                return None
        return None

    def _emit(
        self, parsed: Any, depth: int, shortest: bool = False, stretch: int = 0, ahead: bool = False
    ) -> list[str]:
        if depth > 20:
            raise NotImplementedError
        out: list[str] = []
        for op, arg in parsed:
            if op == sre_constants.LITERAL:
                out.append(chr(arg))
            elif op == sre_constants.NOT_LITERAL:  # `[^@]`
                out.append(self.random.choice([c for c in string.ascii_letters if ord(c) != arg]))
            elif op == sre_constants.ANY:
                out.append(self.random.choice(string.ascii_letters))
            elif op == sre_constants.IN:
                out.append(self._from_class(arg))
            elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
                low, high, item = arg
                if high == sre_constants.MAXREPEAT:
                    high = low + 3 + stretch
                else:
                    high = min(high, low + 3 + stretch)
                times = low if shortest else self.random.randint(low, max(low, high))
                for _ in range(times):
                    out += self._emit(item, depth + 1, shortest, stretch, ahead)
            elif op == sre_constants.SUBPATTERN:
                out += self._emit(arg[-1], depth + 1, shortest, stretch, ahead)
            elif op == sre_constants.BRANCH:
                branch = self.random.choice(arg[1])
                out += self._emit(branch, depth + 1, shortest, stretch, ahead)
            elif op == sre_constants.ASSERT and ahead and arg[0] == 1:
                out += self._emit(arg[1], depth + 1, shortest, stretch, ahead)
            elif op in (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT):
                continue
            else:
                raise NotImplementedError(op)
        return out

    def _from_class(self, items: Any) -> str:
        if items and items[0][0] == sre_constants.NEGATE:
            excluded = {chr(a) for op, a in items[1:] if op == sre_constants.LITERAL}
            choices = [c for c in string.ascii_letters + string.digits if c not in excluded]
            return self.random.choice(choices)
        choices: list[str] = []
        for op, arg in items:
            if op == sre_constants.LITERAL:
                choices.append(chr(arg))
            elif op == sre_constants.RANGE:
                low, high = arg
                choices += [chr(c) for c in range(low, min(high, low + 60) + 1)]
            elif op == sre_constants.CATEGORY:
                choices += {
                    sre_constants.CATEGORY_DIGIT: list(string.digits),
                    sre_constants.CATEGORY_WORD: list(string.ascii_letters + string.digits + "_"),
                    sre_constants.CATEGORY_SPACE: [" "],
                }.get(arg, list(string.ascii_letters))
        if not choices:
            raise NotImplementedError
        # A class that also holds plain characters (`\p{L}` read as ranges of every script)
        # draws from those: text a person reads, and that every engine's reading admits.
        plain = [c for c in choices if c.isascii() and c.isprintable()]
        return self.random.choice(plain or choices)


def _own(value: Any) -> Any:
    """A value of the document's, as one to change: a list or object copied."""
    return copied(value) if isinstance(value, dict | list) else value


def _has_lookahead(parsed: Any) -> bool:
    """Whether a parsed pattern holds a positive lookahead at any depth."""
    for op, arg in parsed:
        if op == sre_constants.ASSERT and arg[0] == 1:
            return True
        nested = (
            [arg[2]]
            if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT)
            else [arg[-1]]
            if op in (sre_constants.SUBPATTERN, sre_constants.ASSERT, sre_constants.ASSERT_NOT)
            else arg[1]
            if op == sre_constants.BRANCH
            else []
        )
        if any(_has_lookahead(each) for each in nested):
            return True
    return False


def admits_nothing(document: Mapping[str, Any], schema: Any, depth: int = 0) -> bool:
    """Whether a schema's `enum` names no value of its `type` (`type: integer` with
    `enum: ["0 (Private)", ...]`), or none its lengths and pattern keep (Adyen's
    `maxLength: 1` beside `enum: [MALE, FEMALE]`): no value is valid for it.

    >>> admits_nothing({}, {"type": "integer", "enum": ["0 (Unknown)"]})
    True
    >>> admits_nothing({}, {"type": "string", "maxLength": 1, "enum": ["MALE", "FEMALE"]})
    True
    >>> admits_nothing({}, {"type": "number", "enum": [1, "x"]})
    False

    So does an object that lets no name through but those it declares and requires another,
    itself or in each of its `anyOf` branches (Jira's `JqlQueryClause`, closed, with no
    properties of its own, any of four clauses that each require theirs):

    >>> clause = {"type": "object", "required": ["field"], "properties": {"field": {}}}
    >>> admits_nothing({}, {"additionalProperties": False, "anyOf": [clause]})
    True

    So does an object that requires a property no value is valid for, as its `allOf` parts
    describe it together (SendGrid's event: `bounce_type` of `soft`/`hard` in one, of
    `bounced`/`blocked` in the other):

    >>> soft = {"properties": {"kind": {"enum": ["soft"]}}, "required": ["kind"]}
    >>> admits_nothing({}, {"allOf": [soft, {"properties": {"kind": {"enum": ["hard"]}}}]})
    True

    Or one that requires a property admitting nothing itself (BBC's `image_link`, whose
    required `image` is closed to every name its branches require):

    >>> closed = {"type": "object", "additionalProperties": False, "anyOf": [soft]}
    >>> admits_nothing({}, {"properties": {"image": closed}, "required": ["image"]})
    True
    >>> admits_nothing({}, {"type": "object", "nullable": True, "required": ["image"],
    ...                     "properties": {"image": closed}})  # null, at least
    False
    """
    schema = resolve(document, schema)
    if _closed_requiring_another(document, schema):
        return True
    if depth < MAX_NOTHING_DEPTH and _requires_the_forbidden(document, schema, depth):
        return True
    kind, choices = schema.get("type"), schema.get("enum")
    if not isinstance(kind, str) or kind not in _JSON_TYPES or not isinstance(choices, list):
        return False

    def fits(value: Any) -> bool:
        if value is None:
            return schema.get("nullable") is True
        if isinstance(value, bool):
            return kind == "boolean"
        return isinstance(value, _JSON_TYPES[kind]) and string_fits(value, schema)

    return bool(choices) and not any(fits(value) for value in choices)


MAX_NOTHING_DEPTH = 3
"""How deep `admits_nothing` follows required properties (a schema may require itself)."""


def _requires_the_forbidden(document: Mapping[str, Any], schema: Any, depth: int = 0) -> bool:
    """Whether an object schema requires a property that no value is valid for: forbidden by
    its `allOf` parts together (`refined`: `not: {}`), or admitting nothing itself."""
    if not isinstance(schema, Mapping) or (not schema.get("allOf") and not schema.get("required")):
        return False
    if schema.get("type") not in (None, "object") or is_nullable(document, schema, surely=True):
        return False  # null is a value of a nullable object
    properties, required = object_shape(document, schema)
    return any(
        name in properties
        and (
            forbidden(document, properties[name])
            or admits_nothing(document, properties[name], depth + 1)
        )
        for name in required
    )


def _closed_requiring_another(document: Mapping[str, Any], schema: Mapping[str, Any]) -> bool:
    """Whether a non-null object schema closed to undeclared names (`additionalProperties:
    false`, beside no `patternProperties` or `allOf` parts) requires an undeclared name,
    itself or in every branch of its `anyOf` / `oneOf`."""
    if (
        schema.get("additionalProperties") is not False
        or schema.get("patternProperties")
        or schema.get("allOf")
        or schema.get("nullable") is True
    ):
        return False
    declared = set(schema.get("properties") or ())

    def undeclared(part: Any) -> bool:
        required = resolve(document, part).get("required") if isinstance(part, Mapping) else None
        return isinstance(required, list) and bool(set(required) - declared)

    branches = schema.get("anyOf") or schema.get("oneOf")
    return undeclared(schema) or (
        isinstance(branches, list) and bool(branches) and all(undeclared(b) for b in branches)
    )


def _is_composite(schema: Any) -> bool:
    """Whether a value of `schema` holds others (an object or a list), or may."""
    if not isinstance(schema, Mapping):
        return True
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    return bool({"object", "array", None} & set(kinds)) or "properties" in schema


UNSHAPING = ANNOTATIONS | {"nullable", "readOnly", "writeOnly", "default"}


def _shapes(part: Any) -> bool:
    """Whether an `allOf` part says anything of what its value is (more than annotations,
    `nullable`, a default)."""
    return not isinstance(part, Mapping) or any(
        word not in UNSHAPING and not str(word).startswith("x-") for word in part
    )


@functools.lru_cache(maxsize=65_536)
def _namer(lowered: str, owner: str, versioned: bool) -> Callable[[Synth], str]:
    """How a string is made for a property of this name in an object of this schema (its
    owner), decided once: for every value the rules' patterns were searched again."""
    if versioned and VERSION_NAME.search(lowered):
        return lambda synth: synth.version
    for owners, field, rule in OWNER_RULES:
        if field.search(lowered) and owners.search(owner):
            return lambda synth: str(rule(synth.fake))
    if lowered == "name" and owner.endswith("Source"):
        kind = next((k for k in SOURCE_NAMES if k and owner.startswith(k)), "")
        return lambda synth: str(synth.fake.random_element(SOURCE_NAMES[kind]))
    if lowered == "name" and CONFIGURED_OWNER.search(owner):
        configured = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", owner).lower()

        def named(synth: Synth) -> str:
            team = synth.fake.random_element(GROUP_NAMES).lower().replace(" ", "-")
            return f"{team}-{configured}"

        return named
    make = _rule_for(lowered)
    if make is not None:
        return lambda synth: str(make(synth.fake))
    if lowered:
        return lambda synth: synth.fake.word()
    return lambda synth: synth.fake.pystr(min_chars=4, max_chars=10)


@functools.cache
def _rule_for(name: str) -> Callable[[Faker], Any] | None:
    return next((make for pattern, make in NAME_RULES if pattern.search(name)), None)


FORMAT_ATTEMPTS = 8
"""How many values of its format a string with a pattern too is drawn, before the pattern's own."""


def _fitted(pattern: str, value: str) -> str | None:
    """The realistic value respelled to fit a pattern where a common spelling does (a slug,
    snake case, lower case, letters and digits only), so `^[a-z0-9-]*$` still reads as words.

    >>> _fitted(r"^[a-z0-9\\-]*$", "Devolved non-volatile website")
    'devolved-non-volatile-website'
    """
    words = re.findall(r"[A-Za-z0-9]+", value)
    for candidate in (
        "-".join(words).lower(),
        "_".join(words).lower(),
        "_".join(words),
        " ".join(words),
        "".join(words),
        "".join(words).lower(),
    ):
        if candidate and _search(pattern, candidate):
            return candidate
    return None


def _search(pattern: str, value: str) -> bool:
    compiled = _compiled(pattern)
    return compiled is None or compiled.search(value) is not None


@functools.lru_cache(maxsize=4096)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    """A pattern as `re` reads it, without its catastrophic backtracks (`defused`); None
    where `re` cannot read it."""
    try:
        return re.compile(defused(pattern))
    except re.error:
        return None


def _bounds(schema: Mapping[str, Any], low: float, high: float) -> tuple[float, float]:
    """The range a number is drawn from.

    >>> _bounds({"minimum": 200, "maximum": 599, "exclusiveMinimum": False,
    ...          "exclusiveMaximum": False}, 0, 1000)
    (200, 599)
    >>> _bounds({"minimum": 0, "exclusiveMinimum": True, "exclusiveMaximum": 10}, 0, 1000)
    (1, 9)
    """
    minimum = schema.get("minimum", low)
    maximum = schema.get("maximum", max(high, minimum + high))
    # 3.0 says `exclusiveMinimum: true` (of `minimum`), 3.1 gives the bound itself; a
    # `false` is 3.0's "not exclusive" (and a bool is an int to Python: never a bound).
    below, above = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if below is True:
        minimum += 1
    elif isinstance(below, int | float) and not isinstance(below, bool):
        minimum = below + 1
    if above is True:
        maximum -= 1
    elif isinstance(above, int | float) and not isinstance(above, bool):
        maximum = above - 1
    maximum = min(maximum, minimum + 100000)
    return minimum, max(minimum, maximum)


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def _of_its_type(example: Any, schema: Mapping[str, Any]) -> bool:
    """Whether an example is of the JSON type its schema names (documents carry an example of
    an array written as one item, a number written as a string, ...)."""
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind] if kind else []
    if not kinds:
        return True
    if example is None:
        return "null" in kinds or bool(schema.get("nullable"))
    if isinstance(example, bool) and "boolean" not in kinds:
        return False
    return any(isinstance(example, _JSON_TYPES.get(str(k), ())) for k in kinds)


def _closed(document: Mapping[str, Any], schema: Mapping[str, Any], depth: int = 0) -> bool:
    """Whether a (resolved) object schema, or one of its `allOf` parts, admits no property it
    does not name."""
    if schema.get("additionalProperties") is False:
        return True
    parts = [resolve(document, part) for part in schema.get("allOf") or []]
    return depth < 5 and any(
        isinstance(part, Mapping) and _closed(document, part, depth + 1) for part in parts
    )


def _spelled(value: Any, kinds: set[str]) -> Any:
    """A number as text, or text as the number it spells, where `kinds` asks for it (None:
    no spelling says the same)."""
    if "string" in kinds and isinstance(value, int | float) and not isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, str) and kinds & {"integer", "number"}:
        try:
            number = json.loads(value)
        except ValueError:
            return None
        if isinstance(number, int | float) and not isinstance(number, bool):
            return number if math.isfinite(number) else None
    return None


def string_fits(value: Any, schema: Mapping[str, Any]) -> bool:
    """Whether a string keeps its schema's pattern and lengths (anything else: True)."""
    if not isinstance(value, str):
        return True
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and not _search(pattern, value):
        return False
    return schema.get("minLength", 0) <= len(value) <= schema.get("maxLength", len(value))


SIBLING_WORDS = frozenset(
    {"description", "title", "example", "examples", "nullable", "readOnly", "writeOnly"}
)
"""Keywords beside `anyOf` that constrain nothing a value holds."""
MAX_BRANCH_TRIES = 8
"""How many `anyOf` branches are tried for one that the schema around them allows."""
NO_VALUE: Any = object()
"""`empty_value` of a schema that admits no empty value."""


def with_defaults(
    document: Mapping[str, Any],
    schema: Any,
    value: Any,
    depth: int = 0,
    *,
    made: Callable[[Any, str], Any] | None = None,
) -> Any:
    """`value` with the defaults its schema states for what it leaves out, inside objects and
    lists too, as a nested serializer fills its fields' defaults; and, with `made`, the
    required read-only fields it leaves out, which the server makes (`made(schema, name)`),
    as a nested serializer's read-only fields are its own (GSM Tasks' address of a task:
    `geocoded_at`).

    >>> uri = {"type": "object", "properties": {"url": {"type": "string"},
    ...        "kind": {"type": "string", "default": "authorization"}}}
    >>> with_defaults({}, {"type": "array", "items": uri}, [{"url": "https://a"}])
    [{'url': 'https://a', 'kind': 'authorization'}]
    >>> stamped = {"type": "object", "required": ["at"], "properties": {"at": {"readOnly": True}}}
    >>> with_defaults({}, stamped, {"x": 1}, made=lambda schema, name: f"made {name}")
    {'x': 1, 'at': 'made at'}
    >>> parted = {"required": ["at"], "allOf": [{"properties": {"at": {"readOnly": True}}}]}
    >>> with_defaults({}, parted, {}, made=lambda schema, name: f"made {name}")
    {'at': 'made at'}
    """
    schema = resolve(document, schema)
    if not isinstance(schema, Mapping) or depth > MAX_DEPTH:
        return value
    for part in schema.get("allOf", []):
        value = with_defaults(document, part, value, depth + 1, made=made)
    if isinstance(value, list) and "items" in schema:
        return [
            with_defaults(document, schema["items"], item, depth + 1, made=made) for item in value
        ]
    properties = schema.get("properties")
    if isinstance(value, dict) and isinstance(properties, Mapping):
        filled = dict(value)
        for name, property_schema in properties.items():
            resolved = resolve(document, property_schema)
            if name not in filled and isinstance(resolved, Mapping) and "default" in resolved:
                filled[name] = resolved["default"]
            elif name in filled:
                filled[name] = with_defaults(
                    document, property_schema, filled[name], depth + 1, made=made
                )
        value = filled
    if made is not None and isinstance(value, dict) and schema.get("required"):
        # Required here, defined here or by a part (`required` beside an `allOf`), whose
        # shape is merged only where there are parts (this runs at every write).
        every, needed = (
            object_shape(document, schema)
            if schema.get("allOf")
            else (properties if isinstance(properties, Mapping) else {}, set(schema["required"]))
        )
        for name, property_schema in every.items():  # in the properties' order, as drawn before
            if (
                name in needed
                and name not in value
                and marked(document, property_schema, "readOnly")
            ):
                value = {**value, name: made(property_schema, name)}
    return value


def empty_value(document: Mapping[str, Any], schema: Any, depth: int = 0) -> Any:
    """The empty value a schema admits, as a model's field starts when nothing sets it: its
    default, its first choice, false, [], {}, "", 0; `NO_VALUE` where it admits none of them
    (a format, a pattern or bounds that rule them out).

    >>> empty_value({}, {"type": "array", "items": {"type": "string"}})
    []
    >>> empty_value({}, {"type": "string", "format": "email"}) is NO_VALUE
    True
    >>> flags = {"on": {"type": "boolean"}}
    >>> empty_value({}, {"type": "object", "required": ["on"], "properties": flags})
    {'on': False}
    """
    schema = resolve(document, schema)
    if not isinstance(schema, Mapping) or depth > MAX_DEPTH:
        return NO_VALUE
    if "default" in schema:
        return _own(schema["default"])
    if "const" in schema:
        return _own(schema["const"])
    choices = [value for value in schema.get("enum", []) if value is not None]
    if "enum" in schema:
        return _own(choices[0]) if choices else NO_VALUE
    parts = schema.get("allOf", [])
    branches = schema.get("oneOf", []) or schema.get("anyOf", [])
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind is None and (parts or branches):
        if len(parts) == 1 and not branches:
            return empty_value(document, parts[0], depth + 1)
        if branches:
            return empty_value(document, branches[0], depth + 1)
        return NO_VALUE
    if kind == "boolean":
        return False
    if kind == "array":
        return [] if not schema.get("minItems") else NO_VALUE
    if kind == "object":
        if schema.get("minProperties"):
            return NO_VALUE
        properties = schema.get("properties") or {}
        made = {
            name: empty_value(document, properties.get(name, {}), depth + 1)
            for name in schema.get("required", [])
        }
        return NO_VALUE if NO_VALUE in made.values() else made
    if kind == "string":
        pattern = schema.get("pattern")
        plain = not schema.get("minLength") and "format" not in schema
        return "" if plain and _matches_blank(pattern) else NO_VALUE
    if kind in ("integer", "number"):
        return 0 if _admits_zero(schema) else NO_VALUE
    return NO_VALUE


def _matches_blank(pattern: str | None) -> bool:
    """Whether "" matches; a pattern Python cannot read says nothing, so no."""
    try:
        return pattern is None or re.search(pattern, "") is not None
    except re.error:
        return False


def _admits_zero(schema: Mapping[str, Any]) -> bool:
    """Whether 0 lies within a number's bounds, in OpenAPI 3.0's reading (a boolean
    `exclusiveMinimum` about `minimum`) and 3.1's (a number of its own).

    >>> [_admits_zero({"minimum": 0, "exclusiveMinimum": e}) for e in (False, True, 0)]
    [True, False, False]
    """
    for bound, exclusive, sign in (
        ("minimum", "exclusiveMinimum", 1),
        ("maximum", "exclusiveMaximum", -1),
    ):
        limit, strict = schema.get(bound), schema.get(exclusive)
        if limit is not None and sign * limit > 0:
            return False
        if limit is not None and limit == 0 and strict is True:
            return False
        if isinstance(strict, int | float) and not isinstance(strict, bool) and sign * strict >= 0:
            return False
    return True
