"""Contract testing: Schemathesis checks for authentik's API, usable against any server.

This package knows the contract (the OpenAPI document and authentik's documented messages),
never the mock's insides: it must hold for a real authentik as much as for the mock.
"""
