"""A sample of the corpus of real-world documents (`tests/corpus/documents.yaml`), each served
and fuzzed by Schemathesis: no 5xx and no failure left unexplained. `make corpus` runs them all
and prints the table."""

from __future__ import annotations

import re

import pytest

from specdouble.document.registry import RegistryError
from tests.corpus import judge

SAMPLE = [entry for entry in judge.entries() if entry.sample]
SECONDS = 10


def test_the_corpus_is_thirty_pinned_documents_or_more() -> None:
    every = judge.entries()
    assert len(every) >= 30
    assert len({entry.name for entry in every}) == len(every)
    assert all(re.match(r"^npm:(@[^/]+/)?[^/@]+@\d+\.\d+\.\d+/", e.spec) for e in every)
    assert 3 <= len(SAMPLE) <= 6  # the sample keeps `make test` within its budget


@pytest.mark.parametrize("entry", SAMPLE, ids=[entry.name for entry in SAMPLE])
def test_a_real_world_document_is_served_with_nothing_unexplained(entry: judge.Entry) -> None:
    try:
        judge.obtain(entry)
    except RegistryError as error:
        pytest.skip(f"the npm registry cannot be reached for the corpus: {error}")
    verdict = judge.judge(entry, SECONDS)
    assert not verdict.refused, verdict.refused
    assert verdict.cases > 0
    assert verdict.unexplained == [], "\n".join(verdict.details or verdict.unexplained)
    assert verdict.server_errors == []
