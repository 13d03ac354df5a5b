"""The HTTP edge: the app, the direct path, Connexion's extension points, handlers,
middlewares, control routes and the ASGI entry point of worker processes."""
