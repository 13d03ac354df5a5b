"""REST and Django REST Framework semantics as plain functions over data: resources and their
inference from a document, query strings, request bodies, rendering, authentication, and the
answers of operations no resource serves."""
