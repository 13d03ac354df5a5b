"""A mock and contract-test server for the authentik API, built from its OpenAPI document."""

__version__ = "0.1.0"
