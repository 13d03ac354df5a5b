"""JSON bodies joined from cached objects are the bytes `json.dumps` makes of the answer, and
no write, to any collection, leaves a stale object behind."""

from __future__ import annotations

import json
from typing import Any

import pytest

from specdouble.document import openapi
from specdouble.resources import CUSTOMISATIONS
from specdouble.resources.event_matcher.rules import BINDINGS, COLLECTION
from specdouble.rest import dataset, inference
from specdouble.rest.auth import ANONYMOUS
from specdouble.rest.rendering import Renderer, encode
from specdouble.rest.resource import Resource
from specdouble.settings import DEFAULT_COUNT, DEFAULT_PER_RESOURCE, Settings
from specdouble.state.store import Store


@pytest.fixture
def policies() -> Resource:
    settings = Settings()
    document = openapi.load_checked(settings.spec, cache=None)
    found = inference.customise(inference.infer(document), CUSTOMISATIONS)
    data = dataset.build(
        document,
        found,
        fixtures_dir=settings.fixtures,
        seed=42,
        count=DEFAULT_COUNT,
        per_resource=DEFAULT_PER_RESOURCE,
    )
    store = Store(data, seed=42, keys={item.spec.collection: item.spec.key for item in found})
    (event_matcher,) = (item.spec for item in found if item.spec.collection == COLLECTION)
    return Resource(event_matcher, store)


def retrieved(policies: Resource, pk: str) -> Any:
    """What a retrieve answers, made afresh (no cache)."""
    return policies.answer("retrieve", policies.get(ANONYMOUS, pk))


QUERIES: list[dict[str, Any]] = [
    {},
    {"page_size": 20},
    {"page": 3, "page_size": 7, "ordering": "-name,action"},
    {"action": "login", "search": "a"},
    {"search": "no such policy anywhere"},
]


@pytest.mark.parametrize("params", QUERIES)
def test_a_page_is_the_json_of_the_list_answer(policies: Resource, params: dict) -> None:
    renderer = Renderer(policies)
    for _ in range(2):  # made, then joined from the cache
        page = renderer.page(policies.page(ANONYMOUS, params))
        assert page == encode(policies.list(ANONYMOUS, params))
    assert page.endswith(b"}\n")


def test_an_object_is_the_json_of_its_answer(policies: Resource) -> None:
    renderer = Renderer(policies)
    record = policies.store.all(COLLECTION)[0]
    assert renderer.answer("retrieve", record) == encode(retrieved(policies, record["pk"]))


def test_a_write_to_another_collection_is_seen(policies: Resource) -> None:
    renderer = Renderer(policies)
    record = policies.store.all(COLLECTION)[0]
    before = renderer.answer("retrieve", record)
    policies.store.put(BINDINGS, {"pk": "new-binding", "policy": record["pk"], "name": "x"})
    after = renderer.answer("retrieve", record)
    assert after == encode(retrieved(policies, record["pk"]))
    bound = json.loads(before)["bound_to"]
    assert json.loads(after)["bound_to"] == bound + 1


def test_a_reset_is_seen(policies: Resource) -> None:
    renderer = Renderer(policies)
    record = policies.store.all(COLLECTION)[0]
    policies.update(ANONYMOUS, record["pk"], {"name": "Changed"})
    changed = renderer.answer("retrieve", policies.get(ANONYMOUS, record["pk"]))
    policies.store.reset()
    restored = renderer.answer("retrieve", policies.get(ANONYMOUS, record["pk"]))
    assert b'"Changed"' in changed and b'"Changed"' not in restored
    assert restored == encode(retrieved(policies, record["pk"]))


def test_the_cache_stays_within_its_limit(policies: Resource) -> None:
    renderer = Renderer(policies, limit=10)
    body = renderer.page(policies.page(ANONYMOUS, {"page_size": 50}))
    assert body == encode(policies.list(ANONYMOUS, {"page_size": 50}))
    assert len(renderer._objects) == 50  # the limit is looked at as each answer starts
    body = renderer.page(policies.page(ANONYMOUS, {"page": 2, "page_size": 5}))
    assert body == encode(policies.list(ANONYMOUS, {"page": 2, "page_size": 5}))
    assert len(renderer._objects) == 5
