"""`python -m specdouble` is the same as the `mock-server` command."""

from specdouble.cli import main

raise SystemExit(main())
