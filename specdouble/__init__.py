"""A mock and contract-test server for the authentik API, built from its OpenAPI document."""

__version__ = "0.1.0"

import warnings

# Connexion imports Starlette's test client, which warns about httpx on import; the server
# never uses it, and the warning would be the first line every user sees.
warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette.testclient`")
