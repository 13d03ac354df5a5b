"""How the resources of a document are found: rules of `rest/inference.py`, on documents
written here."""

from __future__ import annotations

from specdouble.rest import inference


def test_a_list_of_objects_is_not_one_of_them() -> None:
    """VTEX's `/stockkeepingunit/{skuId}/complement/{complementTypeId}` answers the named
    array `SkuComplement`, as the SKU's list does: taken for the same schema by its name, it
    became the retrieve of one complement, answering an object where the document says a
    list. An array schema is never the same object as another, named alike or not."""
    prefix = "#/components/schemas/"
    item = {"type": "object", "properties": {"Id": {"type": "integer"}}}
    document = {
        "components": {
            "schemas": {"Complements": {"type": "array", "items": item}, "Complement": item}
        }
    }
    listed = {"$ref": prefix + "Complements"}
    assert not inference._same_schema(document, listed, listed)
    assert inference._same_schema(document, {"$ref": prefix + "Complement"}, item)
