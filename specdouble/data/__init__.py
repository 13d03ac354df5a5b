"""Data for the store: generated for any schema (`synth`), read from fixture files
(`fixtures`), and put together at start-up (`dataset`)."""
