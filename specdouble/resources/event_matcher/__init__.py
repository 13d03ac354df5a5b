"""authentik's Event Matcher policy: its rules (`rules.py`) and its seeded data (`data.py`)."""
