"""`python -m mock_server` is the same as the `mock-server` command."""

from mock_server.cli import main

raise SystemExit(main())
