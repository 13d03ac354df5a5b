"""The kind of server a document describes, decided once: plain OpenAPI, Django REST Framework,
or authentik (which speaks DRF). A `Profile` carries what differs: its dialect (how errors,
parameters and bodies are read and answered) and its hooks (resources, generators, start-up
objects, special answers, authentik's browser side). The generic layers ask the profile; none
of them tests for DRF or authentik itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from specdouble.document import openapi
from specdouble.profiles.authentik import AuthentikProfile
from specdouble.profiles.base import Profile
from specdouble.profiles.drf import DrfProfile
from specdouble.settings import STRICT

__all__ = ["AuthentikProfile", "DrfProfile", "Profile", "detect"]

AUTHENTIK_SCHEME = "authentik"


def detect(document: Mapping[str, Any], *, leniency: str = "auto") -> Profile:
    """The document's profile: DRF's when it defines DRF's error bodies, authentik's when it is
    also secured by authentik's scheme or titled so, plain OpenAPI otherwise. `leniency`
    (`serve --leniency`) applies to DRF's servers only, theirs being the known one: authentik's
    read query values as loosely as authentik does unless it is `document`, other DRF
    documents only with `real`.

    >>> detect({"openapi": "3.0.3", "info": {"title": "Pets"}, "paths": {}}).name
    'openapi'
    """
    if not openapi.speaks_drf(document):
        return Profile()
    schemes = (document.get("components") or {}).get("securitySchemes") or {}
    title = str((document.get("info") or {}).get("title", "")).lower()
    if AUTHENTIK_SCHEME in schemes or title.startswith(AUTHENTIK_SCHEME):
        return AuthentikProfile(lenient=leniency not in STRICT)
    return DrfProfile(lenient=leniency == "real")
