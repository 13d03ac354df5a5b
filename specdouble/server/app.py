"""Assembling the server: the document and its profile, the data, Connexion's app, and the
layers around it.

`create_app` lists the layers in the order a request meets them (CORS, isolation, the journal
and faults, limits, authentik's browser side, the direct path, `Allow`, the slash redirect),
then Connexion's routing, security, validation and handlers. Every exception on the way is
answered in one place, `ErrorAnswers`, with the body the contract defines.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from pathlib import Path
from typing import Any

import orjson
from connexion import AsyncApp
from connexion import spec as connexion_spec
from connexion.exceptions import InvalidSpecification, ProblemException, UnsupportedMediaTypeProblem
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware import MiddlewarePosition
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from connexion.spec import OpenAPISpecification
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from specdouble import errors, profiles
from specdouble.data import fixtures, images, kept
from specdouble.data.synth import Synth, stable_seed
from specdouble.document import augment, openapi
from specdouble.resources.authentik import events as authentik_events
from specdouble.resources.authentik.answers import DEFAULT_CONFIG
from specdouble.resources.authentik.flow_state import StoredFlows
from specdouble.resources.authentik.flows import Executor
from specdouble.resources.authentik.sessions import Sessions
from specdouble.rest import actions, auth, dataset, inference
from specdouble.rest.error_shapes import documented_error, documented_response, documented_status
from specdouble.rest.faults import Faults
from specdouble.rest.params import PAGINATION
from specdouble.rest.references import References
from specdouble.rest.resource import Resource, operation_names
from specdouble.rest.responder import Responder
from specdouble.server import connexion_hooks, control, direct, handlers
from specdouble.server.direct import DirectPath
from specdouble.server.isolation import Isolation
from specdouble.server.limits import RequestLimits
from specdouble.server.middleware import (
    AllowHeader,
    Cors,
    EncodedSlashes,
    IgnoreContentTypeWithoutBody,
    NoSlashRedirect,
    PreferHeader,
    QualifiedPaths,
    WorkerHeader,
)
from specdouble.server.observe import Observe
from specdouble.server.protocol import ContractProtocol
from specdouble.server.sessions import AuthentikSessions
from specdouble.server.ui import AuthentikInterface
from specdouble.settings import DEFAULT_COUNT, DEFAULT_FIXTURES, Settings
from specdouble.state.journal import Journal
from specdouble.state.log import Log
from specdouble.state.shared_log import SharedLog
from specdouble.state.store import Store
from specdouble.state.stores import Stores
from specdouble.state.write_log import WriteLog

logger = logging.getLogger("specdouble")


def _trust_checked_documents() -> None:
    """Connexion validates a document again, once more for each copy its middlewares make;
    `openapi.load_checked` has validated it already (openapi-spec-validator, stricter), and for
    authentik's whole API the repetition alone costs seconds of start-up."""
    OpenAPISpecification._validate_spec = classmethod(lambda cls, document: None)  # type: ignore[method-assign]
    # Connexion's resolver takes any `$ref` key for a reference, and fetches what it cannot
    # find: ours leaves a property named `$ref` alone and fetches nothing.
    connexion_spec.resolve_refs = connexion_hooks.resolve_refs
    # Its walk that makes every key a string, where they are (a JSON document): orjson's copy.
    connexion_spec.Specification.from_dict = classmethod(connexion_hooks.specification_from_dict)  # type: ignore[method-assign,assignment]
    # Each Specification deep-copies the document it is given, so that what it writes does not
    # reach the caller: it writes only top-level keys (its defaults, `servers`, `basePath`), and
    # what it resolves is a copy (`connexion_hooks.resolve_refs`, which only reads). A copy of
    # the top level is that copy (of Microsoft Graph's, a fifth of a second of each start).
    connexion_spec.copy = _TopLevelCopy  # type: ignore[attr-defined]


class _TopLevelCopy:
    """`copy.deepcopy` as `connexion.spec` needs it: a copy of the top level (see above)."""

    @staticmethod
    def deepcopy(value: Any) -> Any:
        if isinstance(value, dict):
            return dict(value)
        if isinstance(value, list):
            return list(value)
        return value


def problem(status: int, body: Any) -> dict[str, Any]:
    """A DRF-shaped body as problem details: `detail` kept, field messages under `errors`.

    >>> problem(400, {"name": ["This field is required."]})["errors"]
    {'name': ['This field is required.']}
    """
    title = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    shaped: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if isinstance(body, list):
        body = {errors.NON_FIELD_ERRORS: body}
    if isinstance(body.get("detail"), str):
        shaped["detail"] = body["detail"]
    else:
        shaped["detail"] = "The request is invalid."
        shaped["errors"] = body
    return shaped


def not_found_operations(found: list[inference.Inferred]) -> set[str]:
    """The operations that answer 404: a resource's item operations and its list (pages)."""
    names: set[str] = set()
    for item in found:
        names |= {
            operation_id
            for operation_id, action in operation_names(item.spec).items()
            if action != "create"
        }
    return names


EXECUTOR_PATH = "/flows/executor/{flow_slug}/"


def flow_executor(
    document: Mapping[str, Any], state: State, resources: Mapping[str, Resource]
) -> Executor | None:
    """authentik's flow executor over the state's flows, where the document has it; a user it
    makes is made by the users resource (`resources`: by collection)."""
    if EXECUTOR_PATH not in document.get("paths", {}):
        return None
    models = {model: spec.collection for model, spec in inference.by_model(state.found).items()}
    users = resources.get(models.get("User", ""))
    flows = StoredFlows(state.store, models, users.create if users else None)
    return Executor(state.users, avatar=images.avatar, flows=flows)


def generated_data(
    document: dict[str, Any], *, seed: int, count: int, per_resource: int
) -> dict[str, list[dict[str, Any]]]:
    """The data `serve --seed` would make for `document`: what `mock-server fixtures` writes."""
    prepare(document)
    profile = profiles.detect(document)
    found, unions = profile.resources(document)
    served_as(document)  # as `serve` builds its data: on the document it serves
    return dataset.build(
        document,
        found,
        fixtures_dir=None,
        seed=seed,
        count=count,
        per_resource=per_resource,
        unions=unions,
        generators=profile.generators(),
    )


def prepare(document: dict[str, Any]) -> None:
    """What the mock adds to a document before it infers anything from it."""
    augment.name_operations(document)  # Connexion routes by operationId
    augment.inline_awkward_refs(document)  # Connexion's resolver follows only plain ones
    augment.distinct_path_parameters(document)  # Starlette's routes need distinct names
    augment.drop_bodies_of_no_media_type(document)  # Connexion cannot read one
    augment.widen_body_media_types(document)  # a body in every media type it is named in
    augment.one_bearer_per_requirement(document)  # Connexion refuses two OAuth2 schemes at once


def served_as(document: dict[str, Any]) -> None:
    """What the mock adds to a document once its resources are found, to serve it: kept with
    its reading (Microsoft Graph's beta document: a tenth of a second of each start)."""
    augment.order_paths(document)  # literal segments first, as Django's router tries them
    augment.type_parameters(document)  # Connexion's parameter parser needs a type


def load(settings: Settings) -> dict[str, Any]:
    """The document, checked and prepared; refused where the mock could not serve it whole."""
    document, _ = loading(settings, aside=False)
    return document


def loading(settings: Settings, *, aside: bool = True) -> tuple[dict[str, Any], openapi.Verdict]:
    """`load`, with its document's check perhaps still under way (`openapi.load_checking`)."""
    document, verdict, _ = _loading(settings, aside=aside)
    return document, verdict


def _loading(
    settings: Settings, *, aside: bool, raw: bytes | None = None
) -> tuple[dict[str, Any], openapi.Verdict, list[str]]:
    """`loading`, and the security schemes it found used but undefined (`raw`: the file's
    bytes, read already)."""
    document, verdict = openapi.load_checking(
        settings.spec, cache=settings.cache, aside=aside, raw=raw
    )
    with verdict.awaited_on_error():
        prepare(document)
        undefined = augment.drop_undefined_security(document)
        _warn_undefined(undefined)
        _ready_to_serve(settings, document)
    return document, verdict, undefined


def _warn_undefined(schemes: Iterable[str]) -> None:
    for name in schemes:
        logger.warning(
            "security scheme %r is used but never defined: its operations are open", name
        )


def _ready_to_serve(settings: Settings, document: Mapping[str, Any]) -> None:
    """Connexion set to take the checked document as it is; refused where the document's
    paths lie under the control routes."""
    _trust_checked_documents()
    prefix = settings.control_prefix.rstrip("/")
    paths = document.get("paths") or {}
    shadowed = control.clashes(prefix, openapi.base_path(document), paths)
    if shadowed:
        raise openapi.SpecError(
            f"{settings.spec}: {len(shadowed)} path(s) lie under the control routes'"
            f" {prefix}/ ({shadowed[0]}, ...): serve with --control-prefix /_other"
        )


@dataclass(frozen=True, slots=True)
class Reading:
    """A document as the server reads it: prepared, its resources as its profile finds
    them, then as it is served (`served_as`); and what its reading warned about."""

    document: dict[str, Any]
    found: list[inference.Inferred]
    unions: dict[str, tuple[str, ...]]
    repairs: tuple[str, ...]
    undefined_security: tuple[str, ...]
    string_keyed: bool = False
    """Whether every key of the document is a string (`connexion_hooks.string_keyed`)."""
    identity: tuple[bytes, ...] | None = None
    """What names it in the cache: the file's bytes (its check's entry) and the leniency;
    the code is in every entry's name (None: made of several files, or no cache)."""
    tied: frozenset[str] | None = None
    """The collections a reference or shown object ties to another (`dataset.tied`), where
    its profile makes collections when first read (`data_waits`; None: not read)."""


READINGS = "readings"
"""The cache's folder of `Reading`s."""
MAX_READINGS = 16
"""Readings kept at most (Microsoft Graph's is 18 MB)."""


def reading(settings: Settings, *, aside: bool = True) -> tuple[Reading, openapi.Verdict]:
    """The document's `Reading` (`loading`, then its profile's resources), with its check
    perhaps still under way. Once the document passed its check, the reading is kept in the
    cache, for the same file's bytes, leniency and code (`kept.entry_name`): a second start
    reads it back in a fraction of the time (Microsoft Graph: 0.2 s, not 1.7)."""
    raw = openapi.read(settings.spec)
    cache = settings.cache
    entry = openapi.cache_entry(raw, cache)  # None: no cache
    inputs = [entry.name.encode(), settings.leniency.encode()] if entry else []
    if cache is not None and entry is not None and entry.is_file():
        read = kept.kept_object(cache, READINGS, inputs)
        if isinstance(read, Reading):
            openapi.report_repairs(settings.spec, read.repairs)
            _warn_undefined(read.undefined_security)
            _ready_to_serve(settings, read.document)
            return read, openapi.Verdict(repairs=read.repairs)
    document, verdict, undefined = _loading(settings, aside=aside, raw=raw)
    with verdict.awaited_on_error():
        profile = profiles.detect(document, leniency=settings.leniency)
        found, unions = profile.resources(document)
        served_as(document)
        identity = tuple(inputs) if verdict.entry is not None and inputs else None
        read = Reading(
            document,
            found,
            unions,
            verdict.repairs,
            tuple(undefined),
            string_keyed=connexion_hooks.only_string_keys(document),
            identity=identity,
            tied=dataset.tied(document, found) if profile.data_waits else None,
        )
        # Kept where the check keeps the document (one file, not bundled from several);
        # packed now: what is built next changes the document in place.
        packed = kept.packed_object(read) if verdict.entry is not None else None
    if cache is not None and entry is not None and packed is not None:

        def keep() -> None:
            # Kept as soon as the document passed, maybe before the checking process wrote
            # its entry (a server stopped at once ends before any later moment could come);
            # read back only where the entry is there. Where it is not, one kept already is
            # not written again (a document whose entry cannot be written: at each start).
            if entry.is_file() or not kept.object_kept(cache, READINGS, inputs):
                kept.keep_object(cache, READINGS, inputs, packed, MAX_READINGS)

        verdict.once_passed(keep)
    return read, verdict


@dataclass(frozen=True, slots=True)
class Parts:
    """What every step of `create_app` reads: the settings, the document, its profile, and
    who may call."""

    settings: Settings
    document: dict[str, Any]
    profile: profiles.Profile
    tokens: dict[str, auth.Token]
    users: dict[str, auth.User]
    string_keyed: bool = False
    """Whether every key of the document is a string, as its reading found."""


@dataclass(frozen=True, slots=True)
class State:
    """The resources `build_state` found and the store that holds their data."""

    found: list[inference.Inferred]
    unions: dict[str, tuple[str, ...]]
    store: Stores
    log: Log | None
    tokens: Mapping[str, auth.Token]
    """The tokens that authenticate, by key (the profile's: `tokens.yaml`, and for authentik
    the API tokens the state holds)."""
    users: Mapping[str, auth.User]
    """Who can log in, by username (the profile's: `tokens.yaml`'s users, for authentik as
    their records are now)."""


def create_app(settings: Settings, *, lasting: bool = False) -> MockServer:
    """The server for `settings`, in steps: the document and its profile, the state, the
    operations' actions and Connexion's app, then the layers around it, in the order a
    request meets them. `lasting`: it lives as long as this process (`serve`, a worker), and
    what was built is moved out of the cycle collector's sight (`gc.freeze`)."""
    with _collector_paused(freeze=lasting):
        return _create_app(settings)


@contextlib.contextmanager
def _collector_paused(*, freeze: bool) -> Iterator[None]:
    """Python's cycle collector off while the server is built: it would walk the growing heap
    again and again as a large document is copied and resolved (a third of GitHub's warm
    start), and building makes few cycles, left to the next collection. Where the server
    lasts (`freeze`), what was built is frozen first: the next collection would otherwise
    walk all of it once more (Microsoft Graph: 0.4 s), and every full one after it. Building
    leaves no cyclic garbage but what importing leaves (a few hundred objects; a test holds
    it to that)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    except BaseException:  # a failed build: nothing of it to keep
        gc.enable()
        raise
    if freeze:
        gc.freeze()
    gc.enable()


def _create_app(settings: Settings) -> MockServer:
    connexion_hooks.compile_paths_once()
    read, verdict = reading(settings)
    document = read.document
    with verdict.awaited_on_error():
        profile = profiles.detect(document, leniency=settings.leniency)
        if settings.ui is not None and not profile.browser:
            raise openapi.SpecError(
                f"{settings.spec}: --ui serves authentik's web interface, and this document is"
                f" not authentik's ({profile.name})"
            )
        tokens, users = auth.load_identity(settings.tokens_file)
        parts = Parts(settings, document, profile, tokens, users, read.string_keyed)
        state = build_state(parts, read)
        app, wiring = build_app(parts, state)
        served: ASGIApp = app
        for layer in reversed(layers(parts, state, wiring)):
            if layer is not None:
                served = layer(served)
    verdict.wait()  # served only once checked
    return MockServer(
        served,
        store=state.store,
        resources={item.spec.collection for item in state.found},
        base_path=openapi.base_path(document),
        swagger_ui=openapi.swagger_ui_path(document),
    )


def build_state(parts: Parts, read: Reading) -> State:
    """The store that holds the data of the profile's resources, as `read` found them
    (fixtures or generated, the profile's start-up objects, the writes of a kept or shared
    log)."""
    settings, document, profile = parts.settings, parts.document, parts.profile
    found, unions = read.found, read.unions
    seed = settings.id_seed
    fixtures_dir = None if settings.generates else settings.fixtures
    count = DEFAULT_COUNT if settings.count is None else settings.count
    # A collection a fixture file gives is served as given: a fresh install's objects only
    # join the collections the mock generated.
    given = (
        {p.stem for p in settings.fixtures.glob("*.json") if p.name != fixtures.RECORDING}
        if not settings.generates
        else set()
    )
    waiting = (
        dataset.waits(
            document,
            found,
            unions=unions,
            generators=profile.generators(),
            given=given,
            tied_already=read.tied,
        )
        if profile.data_waits
        else set()
    )
    data: dict[str, Sequence[dict[str, Any]]] = kept.kept(
        settings.cache,
        lambda: data_inputs(document, settings, fixtures_dir, count, identity=read.identity),
        lambda: dataset.build(
            document,
            found,
            fixtures_dir=fixtures_dir,
            seed=seed,
            count=count,
            per_resource=settings.per_resource,
            unions=unions,
            generators=profile.generators(),
            waiting=waiting,
        ),
    )
    later = dataset.later(document, found, waiting, seed=seed, count=settings.per_resource)
    data.update((name, records) for name, records in later.items() if name not in data)
    log: Log | None = None
    if settings.shared:
        log = SharedLog(settings.shared)
    elif settings.state:
        log = WriteLog(settings.state)
    keys = {item.spec.collection: item.spec.key for item in found}
    # A recording (`proxy --record`) saw part of a server that holds a fresh install's
    # objects too: those join its collections, and the recorded objects stay as recorded.
    unknown = {n for n in given if not dataset.serves(n, keys, unions, profile.generators())}
    if unknown and settings.fixtures != DEFAULT_FIXTURES:
        logger.warning(
            "%s: no collection of this document is named %s: not served",
            settings.fixtures,
            ", ".join(f"{name}.json" for name in sorted(unknown)),
        )
    recorded = fixtures.recorded_collections(settings.fixtures) if given else set()
    recorded &= set(data)
    given -= recorded
    snapshot = {name: [dict(r) for r in data[name]] for name in recorded}
    models = {
        model: spec
        for model, spec in inference.by_model(found).items()
        if model and spec.collection not in given
    }
    profile.start_objects(document, data, keys, parts.users, models)
    specs = {item.spec.collection: item.spec for item in found}
    is_identity = profile.is_identity(parts.users)
    for name, records in snapshot.items():
        data[name] = fixtures.lay_over(
            records,
            data[name],
            keys[name],
            specs[name].unique_fields,
            keep=is_identity,
        )
    dataset.align_mirrors(data, found)
    shared = Store(data, seed=seed, keys=keys, log=log, unions=unions)
    shared.sync()  # a new worker catches up before it takes its first connection
    # Every part of the server reads the state through `store`: the shared one, or the
    # isolated state of the request's `X-Mock-Session`.
    store = Stores(shared, lambda: Store(data, seed=seed, keys=keys, unions=unions))
    tokens = profile.credentials(parts.tokens, store, found)
    return State(found, unions, store, log, tokens, profile.people(parts.users, store, found))


def data_inputs(
    document: Mapping[str, Any],
    settings: Settings,
    fixtures_dir: Path | None,
    count: int,
    *,
    identity: tuple[bytes, ...] | None = None,
) -> list[bytes] | None:
    """What the start-up data is made from, for `kept` (None: not to be kept): the document
    named by its reading's `identity` where it has one (writing Microsoft Graph's out took
    0.04 s of each start), else written out whole."""
    if identity is not None:
        inputs = [b"reading", *identity]
    else:
        try:
            inputs = [orjson.dumps(document), orjson.dumps(settings.leniency)]
        except TypeError:  # an integer past 64 bits (DigitalOcean's examples): Python's JSON
            try:
                inputs = [json.dumps(document).encode(), json.dumps(settings.leniency).encode()]
            except (TypeError, ValueError):  # a value no JSON can hold: made each time
                return None
    inputs.append(f"{settings.id_seed} {count} {settings.per_resource}".encode())
    for path in sorted(fixtures_dir.glob("*.json")) if fixtures_dir else []:
        inputs += [path.name.encode(), path.read_bytes()]
    return inputs


@dataclass(frozen=True, slots=True)
class Wiring:
    """What the layers around Connexion's app share with it."""

    operations: openapi.OperationTable
    routes: connexion_hooks.RouteTable
    actions: actions.Actions
    security: dict[str, Any]
    method_table: openapi.PathTable[tuple[str, ...]]
    operation_of: Callable[[str, str], str | None]
    answers: ErrorAnswers
    journal: Journal
    faults: Faults
    sessions: Sessions
    resources: Mapping[str, Resource]
    """Each resource by its collection."""


def build_app(parts: Parts, state: State) -> tuple[AsyncApp, Wiring]:
    """Each operation's action (a resource's, the profile's special answers, or the
    responder's), Connexion's app with our validators and security, one error renderer, and
    the control routes."""
    settings, document, profile = parts.settings, parts.document, parts.profile
    dialect, store, seed, found = profile.dialect, state.store, settings.id_seed, state.found
    resources = [
        Resource(
            item.spec,
            store,
            Synth(document, stable_seed(seed, "created", item.spec.collection)),
            limits=settings.limits,
        )
        for item in found
    ]
    references = References(
        document, found, {r.spec.collection: partial(r.present, nested=True) for r in resources}
    )
    for resource in resources:
        resource.references = references
        resource.warm()
    if dialect.drf:
        augment.mark_refusals(
            document, references.query_words(found), numbers="number", except_for=PAGINATION
        )
        augment.mark_related_bodies(document, references.body_keys(found))
    if dialect.unknown_key_is_404:  # others answer a 404 in their own shapes, or RFC 9457
        augment.document_not_found(document, not_found_operations(found))
    operations = openapi.OperationTable(document)
    responder = Responder(document, seed, profile.lookups())
    actions_by_id = actions.Actions(resources, operations, document, responder)
    profile.audit(resources, actions_by_id)
    answer_table = profile.answers(document, store, state.users, found, state.unions)
    actions_by_id.update(
        actions.answering(answer_table, operations, actions_by_id, profile.replacing)
    )
    composed = profile.compose(document, found, resources)
    actions_by_id.update(actions.answering(composed, operations, actions_by_id))
    # authentik's documents keep its tokens and their permissions; any other takes any
    # well-formed credential unless a tokens file is given, as Prism does.
    accept_any = not dialect.drf and settings.tokens is None
    tokens = state.tokens
    security = connexion_hooks.security_map(
        document, tokens, dialect=dialect, accept_any=accept_any
    )
    app = AsyncApp(
        __name__,
        resolver=Resolver(handlers.Handlers(actions_by_id, operations, responder)),
        validator_map=connexion_hooks.validator_map(document, settings.limits, dialect=dialect),
        security_map=security,
        swagger_ui_options=SwaggerUIOptions(
            swagger_ui=True, swagger_ui_path=openapi.swagger_ui_path(document)
        ),
        middlewares=connexion_hooks.middlewares(settings.control_paths),
    )
    app._middleware_app.api_cls = connexion_hooks.HandlerApi  # Connexion offers no public hook
    routes = connexion_hooks.RouteTable(document)  # for Connexion's routing and the direct path
    try:
        # Where the operations are served, read once (`openapi.base_path`): Connexion's own
        # reading keeps the `//` of `https://host/{basePath}` with a basePath of `/api/v1`.
        # What the mock added to a document of string keys (`augment`) has string keys.
        with connexion_hooks.string_keyed(document if parts.string_keyed else None):
            app.add_api(document, base_path=openapi.base_path(document), routes=routes)
    except InvalidSpecification as error:  # what the mock added made it invalid: a bug of ours
        reason = str(error).strip().splitlines()[0]
        raise openapi.SpecError(f"{settings.spec}: Connexion refuses it: {reason}") from error
    method_table = openapi.method_table(document)
    operation_of = openapi.operation_finder(document)
    answer_error = ErrorAnswers(
        method_table,
        problems=dialect.problem_details,
        document=document,
        operation_of=operation_of,
        operations=operations,
    )
    ContractProtocol.configure(answer_error, settings.limits)
    for error_class in (errors.ApiError, ProblemException, HTTPException, Exception):
        app.add_error_handler(error_class, answer_error.handle)
    # Before the Swagger UI, that is before routing: `TextRouting` is not the routing
    # middleware class Connexion's BEFORE_ROUTING looks for.
    app.add_middleware(PreferHeader, position=MiddlewarePosition.BEFORE_SWAGGER)
    if dialect.drf:  # DRF never reads a GET's or DELETE's body; other documents may say one
        app.add_middleware(IgnoreContentTypeWithoutBody, position=MiddlewarePosition.BEFORE_SWAGGER)
    wiring = Wiring(
        operations=operations,
        routes=routes,
        actions=actions_by_id,
        security=security,
        method_table=method_table,
        operation_of=operation_of,
        answers=answer_error,
        journal=Journal(settings.journal),
        faults=Faults(seed, set(operations)),
        sessions=Sessions(store),
        resources={resource.spec.collection: resource for resource in resources},
    )
    control_routes = control.routes(
        store,
        parts.tokens,  # the mock's owner: tokens.yaml's, never a token made through the API
        sessions=wiring.sessions,
        users=state.users,
        journal=wiring.journal,
        faults=wiring.faults,
        operation_of=operation_of,
        control_token=settings.control_token,
        base_path=openapi.base_path(document),
        document=document,
        prefix=settings.control_prefix.rstrip("/"),
        lenient=profile.dialect.lenient,
    )
    for path, name, endpoint, methods in control_routes:
        app.add_url_rule(path, name, endpoint, methods=methods)
    connexion_hooks.build_at_once(app)
    return app, wiring


def layers(parts: Parts, state: State, wiring: Wiring) -> list[Layer | None]:
    """The layers around Connexion's app, outermost first: the order a request meets them
    (None: a layer this server does not have)."""
    settings, document, profile = parts.settings, parts.document, parts.profile
    dialect, store, answers = profile.dialect, state.store, wiring.answers
    prefix = settings.control_paths
    server = profile.server(document, store, state.users)
    return [
        WorkerHeader if settings.workers > 1 else None,
        partial(
            Cors,
            private_prefix=prefix,  # CORS answers preflights before anything else
            allow_origins=list(settings.cors_origins),
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["*"],
        ),
        None if dialect.drf else EncodedSlashes,
        partial(
            QualifiedPaths,
            document=document,
            body_bytes=settings.limits.body_bytes,
            private_prefix=prefix,
        )
        if openapi.qualified_paths(document)
        else None,
        partial(Isolation, stores=store, answers=answers, allowed=state.log is None),
        partial(
            Observe,
            journal=wiring.journal,
            faults=wiring.faults,
            operation_of=wiring.operation_of,
            answers=answers,
            drf=dialect.drf,
            latency=settings.latency,
            seed=settings.id_seed,
            private_prefix=prefix,
        ),
        partial(RequestLimits, limits=settings.limits, answers=answers),
        partial(
            AuthentikInterface,
            folder=settings.ui,
            config=lambda: DEFAULT_CONFIG,
            brand=server.current_brand,
            flow=server.flow,
        )
        if server and settings.ui is not None
        else None,
        partial(
            AuthentikSessions,
            sessions=wiring.sessions,
            users=state.users,
            executor=flow_executor(document, state, wiring.resources),
            api_base=openapi.base_path(document),
            default_flow=server.default_flow,
            answers=answers,
            log=authentik_events.BrowserLog(store),
            tokens=state.tokens,
        )
        if server
        else None,
        partial(
            DirectPath,
            router=direct.router(
                document,
                wiring.operations,
                wiring.actions,
                wiring.security,
                settings.limits,
                dialect=dialect,
                routes=wiring.routes,
            ),
            answers=answers,
            reserved=(openapi.swagger_ui_path(document), "/openapi.json", "/openapi.yaml"),
            private_prefix=prefix,
        )
        if settings.direct
        else None,
        # The direct path adds `Allow` to its own answers; this, to Connexion's.
        partial(AllowHeader, table=wiring.method_table) if dialect.allow_header else None,
        partial(
            NoSlashRedirect,
            not_found=lambda: answers.response(errors.NotFound(errors.ROUTE_NOT_FOUND)),
        ),
    ]


Layer = Callable[[ASGIApp], ASGIApp]
"""A layer around the app: it takes the app inside it and answers in its place."""


class MockServer:
    """The ASGI app `serve` runs: Connexion's app inside the layers `create_app` puts
    around it."""

    def __init__(
        self,
        outermost: ASGIApp,
        *,
        store: Stores,
        resources: set[str] | None = None,
        base_path: str = "",
        swagger_ui: str = "/ui",
    ) -> None:
        self.outermost = outermost
        self.base_path = base_path
        """Where the document's operations are served (its first server's path)."""
        self.swagger_ui = swagger_ui
        """Where Swagger UI is, under the base path."""
        self.store = store
        """The state (`serve --reload` carries it over to the server it builds next)."""
        self.resources = frozenset(resources or ())
        """The collections the document serves as resources."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.outermost(scope, receive, send)

    def test_client(self, **kwargs: Any) -> TestClient:
        return TestClient(self, **kwargs)


Where = str | tuple[str, str]
"""An operation: its operationId, or the request's method and path."""


class ErrorAnswers:
    """The one way out for errors: each exception becomes the body the contract defines.

    A document with authentik's error schemas gets DRF's bodies as `application/json`; one
    that defines none gets RFC 9457 problem details (`application/problem+json`).
    """

    def __init__(
        self,
        methods: openapi.PathTable[tuple[str, ...]],
        *,
        problems: bool,
        document: Mapping[str, Any] | None = None,
        operation_of: Callable[[str, str], str | None] = lambda _method, _path: None,
        operations: openapi.OperationTable | None = None,
    ) -> None:
        self.methods = methods
        self.problems = problems
        self.document = document or {}
        self.operation_of = operation_of
        if operations is None:
            operations = openapi.OperationTable(self.document)
        self.operations = operations

    @functools.cached_property
    def meant(self) -> Callable[[str, str], str | None]:
        """Which operation a request no route takes was meant for (`/users/`: the item path
        with an empty key), made when an error first asks."""
        return openapi.operation_finder(self.document, empty_segments=True)

    async def handle(self, request: ConnexionRequest, error: Exception) -> ConnexionResponse:
        """Connexion's error handler (a coroutine function: a plain one runs in a thread)."""
        routed = request.scope.get("extensions", {}).get("connexion_routing", {})
        # The scope's path: `url.path` goes through urlsplit, which drops tabs and newlines.
        path = request.scope.get("path") or request.url.path
        where: Where = routed.get("operation_id") or (request.method, path)
        status, media_type, headers, body = self.render(self.as_api_error(request, error), where)
        return ConnexionResponse(
            status_code=status,
            mimetype=media_type,
            content_type=media_type,
            body=body,
            headers=headers,
        )

    def response(self, failure: errors.ApiError, where: Where | None = None) -> Response:
        """The answer to `failure` as Connexion's exception middleware would send it; `where`
        (an operationId, or the method and path) names the operation, whose documented error
        shape it then takes."""
        status, media_type, headers, body = self.render(failure, where)
        return Response(content=body, status_code=status, media_type=media_type, headers=headers)

    def render(
        self, failure: errors.ApiError, where: Where | None = None
    ) -> tuple[int, str, dict[str, str], bytes]:
        definition = self._definition(where) if self.problems and where else None
        if definition is not None:
            failure = self._kindred(failure, definition)
        body: Any = failure.body()
        media_type = "application/json"
        shaped = self._documented(failure, definition) if definition is not None else None
        if shaped is not None:
            media_type, body = shaped
            if body is None:  # a documented media type without a schema: problem details
                body = problem(failure.status_code, failure.body())
        elif self.problems:
            media_type = "application/problem+json"
            body = problem(failure.status_code, body)
        headers = dict(getattr(failure, "headers", None) or {})
        if failure.status_code == 401:
            headers.setdefault("WWW-Authenticate", "Bearer")
        if isinstance(body, str) and "json" not in media_type:
            return failure.status_code, media_type, headers, body.encode()
        return failure.status_code, media_type, headers, json.dumps(body).encode()

    def _definition(self, where: Where) -> Mapping[str, Any] | None:
        operation_id = where if isinstance(where, str) else self.operation_of(*where)
        if operation_id is None and not isinstance(where, str):
            operation_id = self.meant(*where)  # `/users/`: the item path with an empty key
        if operation_id is None or operation_id not in self.operations:
            return None
        return self.operations.definition(operation_id)

    def _kindred(self, failure: errors.ApiError, definition: Mapping[str, Any]) -> errors.ApiError:
        """The failure under the status its operation documents for it (422 for 400, ...); a
        path that names nothing (`PathValueRefused`) where no such status is documented, as
        the 404 an unknown key gets."""
        if (
            isinstance(failure, errors.PathValueRefused)
            and documented_response(definition, documented_status(definition, failure.status_code))
            is None
        ):
            failure = errors.NotFound(errors.ROUTE_NOT_FOUND)
        status = documented_status(definition, failure.status_code)
        return failure if status == failure.status_code else failure.with_status(status)

    def _documented(
        self, failure: errors.ApiError, definition: Mapping[str, Any]
    ) -> tuple[str, Any] | None:
        """The body the operation documents for this status (its own error schema)."""
        shown = problem(failure.status_code, failure.body())
        reason = str(shown.get("detail") or shown["title"])
        if shown.get("errors"):
            reason = "; ".join(
                f"{name}: {' '.join(map(str, messages))}" if isinstance(messages, list) else name
                for name, messages in shown["errors"].items()
            )
        return documented_error(self.document, definition, failure.status_code, reason)

    def as_api_error(self, request: ConnexionRequest, error: Exception) -> errors.ApiError:
        """Connexion's and Starlette's own exceptions, translated to ours."""
        if isinstance(error, errors.ApiError):
            return error
        if isinstance(error, UnsupportedMediaTypeProblem):
            media_type = request.headers.get("content-type", "")
            return errors.UnsupportedMediaType(
                errors.UNSUPPORTED_MEDIA_TYPE_TEMPLATE.format(media_type=media_type)
            )
        if isinstance(error, HTTPException) and error.status_code == 404:
            return errors.NotFound(errors.ROUTE_NOT_FOUND)
        if (
            isinstance(error, HTTPException)
            and error.status_code < 500
            and error.status_code != 405
        ):
            return errors.DetailError(str(error.detail), status_code=error.status_code)
        if isinstance(error, HTTPException) and error.status_code == 405:
            # Starlette names only the methods of the first route it matched; the document
            # knows them all.
            allowed = openapi.allowed_methods(
                self.methods, request.scope.get("path") or request.url.path
            )
            if request.method.upper() in allowed or not allowed:
                # The path has the method, but a segment does not fit the type its route
                # converts (`abc` for an integer key): no such object, as Django answers it;
                # or no path of the document is this one (an empty key: `/members/`).
                return errors.NotFound(errors.ROUTE_NOT_FOUND)
            detail = errors.METHOD_NOT_ALLOWED_TEMPLATE.format(method=request.method)
            return errors.MethodNotAllowed(detail, headers={"Allow": ", ".join(allowed)})
        if isinstance(error, ProblemException) and error.status < 500:
            return errors.DetailError(str(error.detail or error.title), status_code=error.status)
        logger.error("unexpected error", exc_info=error)
        return errors.ServerError()
