"""`mock-server proxy`: in front of a real server, it checks live traffic against the
document, records what the server answers as fixtures, and compares it with the mock."""
