"""What is special about particular resources, as customisations of what the document says.

Every resource is inferred from the document (`rest/inference.py`); a customisation is a function
from the inferred `ResourceSpec` to the real one, registered here by collection name.
"""

from collections.abc import Callable

from specdouble.resources.event_matcher import rules as event_matcher
from specdouble.rest.resource import ResourceSpec

CUSTOMISATIONS: dict[str, Callable[[ResourceSpec], ResourceSpec]] = {
    event_matcher.COLLECTION: event_matcher.customise,
}
