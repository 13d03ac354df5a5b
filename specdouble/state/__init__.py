"""The state the server answers from: the in-memory store and the SQLite write log through
which worker processes share writes."""
