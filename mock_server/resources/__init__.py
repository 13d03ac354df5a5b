"""What is special about particular resources, as customisations of what the document says.

Every resource is inferred from the document (`inference.py`); a customisation is a function
from the inferred `ResourceSpec` to the real one, registered here by collection name.
"""

from collections.abc import Callable

from mock_server.resource import ResourceSpec
from mock_server.resources import event_matcher

CUSTOMISATIONS: dict[str, Callable[[ResourceSpec], ResourceSpec]] = {
    event_matcher.COLLECTION: event_matcher.customise,
}
