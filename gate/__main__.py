"""`python -m gate`: the same as the `releasegate` console script."""

from gate.cli import main

raise SystemExit(main())
