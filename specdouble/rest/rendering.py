"""Resource answers as JSON bytes, the same bytes whichever way a request reached the resource.

Each object's JSON is kept until the store changes anywhere, not only in the object's own
collection: a computed field (Event Matcher's `bound_to`) can depend on other collections. A
page of a list is then mostly joined from bytes already made.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from specdouble.rest.listing import Window, wrapper_fields
from specdouble.rest.query import Page
from specdouble.rest.resource import Resource
from specdouble.state.store import Record

ITEMS = "@@mock-server:items@@"
"""Where a wrapper's items go (the wrapper's other fields are numbers, cursors and values made
from its schema, never this)."""
MAX_CACHED_OBJECTS = 20_000
"""Objects whose JSON is kept (about 10 MB for Event Matcher): an answer that starts with this
many kept empties the cache first."""


PAGE = (
    b'{"pagination": {"next": %d, "previous": %d, "count": %d, "current": %d, "total_pages": %d,'
    b' "start_index": %d, "end_index": %d}, "results": [%s], "autocomplete": %s}\n'
)
"""`Page.envelope()` and the results as `json.dumps` spells them (the envelope holds integers)."""


def encode(value: Any) -> bytes:
    """A whole JSON body, spelled as `json.dumps` spells it, ending with a newline."""
    return json.dumps(value).encode() + b"\n"


class Renderer:
    """The JSON of one resource's answers."""

    def __init__(self, resource: Resource, limit: int = MAX_CACHED_OBJECTS) -> None:
        self.resource = resource
        self.limit = limit
        self._objects: dict[tuple[str, frozenset[str] | None], bytes] = {}
        self._generation = -1

    def page(self, page: Page, unasked: frozenset[str] | None = None) -> bytes:
        """The body of `resource.list`: `encode(resource.list(...))` for the same request;
        `unasked`: the shown objects the request did not ask for, as `Resource.present`."""
        shown = self._shown(unasked)
        results = b", ".join([shown(record) for record in page.results])
        numbers = (page.next, page.previous, page.count, page.current, page.total_pages)
        return PAGE % (*numbers, page.start_index, page.end_index, results, self._autocomplete())

    def _autocomplete(self) -> bytes:
        resource = self.resource
        if not resource.spec.query_fields:
            return b"{}"
        return resource.store.view(
            resource.spec.collection,
            ("autocomplete-json",),
            lambda: json.dumps(resource.autocomplete()).encode(),
        )

    def listed(
        self, records: list[Record], shown: Window, unasked: frozenset[str] | None = None
    ) -> bytes:
        """The body of a list that is not DRF's: the array, or the object that wraps it."""
        listing = self.resource.spec.listing
        assert listing is not None
        fields = self.resource.spec.listed_fields
        if fields is not None:  # a summary of each object, as the list documents it
            present, otherwise = self.resource.present, self.resource.spec.listed_otherwise
            summaries = [
                {n: v for n, v in present(r, unasked=unasked).items() if n in fields}
                for r in records
            ]
            for record, summary in zip(records, summaries, strict=True):
                for name in otherwise.keys() & summary.keys():
                    summary[name] = self.resource.shown_in_list(record, name, summary[name])
            items = b"[" + b", ".join(json.dumps(s).encode() for s in summaries) + b"]"
        else:
            items = b"[" + b", ".join([self._shown(unasked)(record) for record in records]) + b"]"
        if listing.wrapper is None:
            return items + b"\n"
        fields = wrapper_fields(listing, shown)
        fields[listing.wrapper] = ITEMS
        return json.dumps(fields).encode().replace(b'"' + ITEMS.encode() + b'"', items) + b"\n"

    def answer(self, action: str, record: Record, unasked: frozenset[str] | None = None) -> bytes:
        """The body of `resource.answer(action, record)`."""
        if action in self.resource.spec.response_schemas:
            return encode(self.resource.answer(action, record))
        return self._shown(unasked)(record) + b"\n"

    def _shown(self, unasked: frozenset[str] | None = None) -> Callable[[Record], bytes]:
        """The JSON of `resource.present(record)` (no final newline), from the cache, which is
        emptied first if the store has changed since it was filled."""
        generation = self.resource.store.generation
        objects = self._objects
        if generation != self._generation or len(objects) >= self.limit:
            objects.clear()
            self._generation = generation
        key, present = self.resource.spec.key, self.resource.present

        def shown(record: Record) -> bytes:
            pk = (str(record[key]), unasked)
            known = objects.get(pk)
            if known is None:
                known = objects[pk] = json.dumps(present(record, unasked=unasked)).encode()
            return known

        return shown
