"""The resources this server knows by name, each a `ResourceSpec` with its own rules."""

from mock_server.resources.event_matcher import EVENT_MATCHER

RESOURCES = (EVENT_MATCHER,)

__all__ = ["EVENT_MATCHER", "RESOURCES"]
