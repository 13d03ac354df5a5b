"""The OpenAPI document: loading, checking and caching it (`openapi`), what the mock adds
before serving it (`augment`), and the checks `mock-server validate` runs (`lint`)."""
