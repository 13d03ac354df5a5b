"""authentik's `crypto/certificatekeypairs/generate/`: a self-signed certificate-key pair, made
and kept (`CertificateBuilder`), and audited as a create: named by its common name, whose
subject it carries, valid for the days asked, of the key algorithm asked. No key material is
made: the fingerprints are digests of the object's own identity, in the shape a certificate's
have."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

import orjson

from specdouble.data.values import canonical_instant
from specdouble.resources.authentik import audit
from specdouble.rest.actions import Answer, Body, Params, Respond
from specdouble.rest.auth import Principal
from specdouble.rest.inference import Inferred
from specdouble.rest.resource import ResourceSpec
from specdouble.state.store import Record, Store

GENERATE = "crypto_certificatekeypairs_generate_create"
MODEL = "CertificateKeyPair"
KEY_TYPES = {"rsa": "rsa", "ecdsa": "ec", "ed25519": "ed25519", "ed448": "ed448"}
"""The algorithm asked (`AlgEnum`) -> the key type the pair shows (`KeyTypeEnum`)."""
UNIQUE = "This field must be unique."


def start_rows(data: dict[str, list[Record]], models: Mapping[str, ResourceSpec]) -> None:
    """The start-up pairs, each what its certificate says (in place): the subject names it,
    the fingerprints are digests of its identity in a certificate's shape."""
    pairs = models.get(MODEL)
    for record in data.get(pairs.collection, []) if pairs is not None else []:
        record.update(_certified(record.get(pairs.key), str(record.get("name", ""))))


def _certified(pk: object, name: str) -> dict[str, str]:
    """What a self-signed certificate of `name` says: its subject, and fingerprints that are
    digests of the pair's identity in a certificate's shape."""
    identity = f"{pk}/{name}".encode()
    return {
        "cert_subject": f"OU=Self-signed,O=authentik,CN={name}",
        "fingerprint_sha256": _colons(hashlib.sha256(identity).digest()),
        "fingerprint_sha1": _colons(hashlib.sha1(identity, usedforsecurity=False).digest()),
    }


def answers(found: Sequence[Inferred], store: Store) -> dict[str, Respond]:
    pairs = next((r.spec for r in found if r.spec.model == MODEL), None)
    if pairs is None:
        return {}
    collection, fields = pairs.collection, pairs.fields

    def generate(principal: Principal, _k: str, _params: Params, body: Body) -> Answer:
        name = str(body["common_name"])
        now = datetime.now(UTC)
        try:
            expiry = now + timedelta(days=int(body["validity_days"]))
        except (OverflowError, ValueError):  # past the calendar: DRF's max_value words
            most = (datetime.max.replace(tzinfo=UTC) - now).days
            message = f"Ensure this value is less than or equal to {most}."
            return Answer(400, orjson.dumps({"validity_days": [message]}))
        with store.writing():
            if store.referencing(collection, "name", name):
                return Answer(400, orjson.dumps({"common_name": [UNIQUE]}))
            pk = store.new_id(collection)
            record = {
                "pk": pk,
                "name": name,
                **_certified(pk, name),
                "cert_expiry": canonical_instant(expiry),
                "private_key_available": True,
                "key_type": KEY_TYPES.get(str(body.get("alg") or "rsa"), "rsa"),
                "certificate_download_url": (
                    f"/api/v3/crypto/certificatekeypairs/{pk}/view_certificate/?download"
                ),
                "private_key_download_url": (
                    f"/api/v3/crypto/certificatekeypairs/{pk}/view_private_key/?download"
                ),
                "managed": None,
                "created": canonical_instant(now),
                "last_updated": canonical_instant(now),
            }
            store.insert(collection, record)
        shown = {name: record.get(name) for name in fields}
        label = audit.model_label(MODEL)
        if label is not None:  # a pair made is audited as any create is
            audit.record_write(
                store, principal.user, "model_created", label, model_of=MODEL, shown=shown
            )
        return Answer(200, orjson.dumps(shown))

    return {GENERATE: generate}


def _colons(digest: bytes) -> str:
    return ":".join(f"{byte:02x}" for byte in digest)
