"""`python -m evals ...` is `assistant eval ...`."""

import sys

from assistant.cli import main

raise SystemExit(main(["eval", *sys.argv[1:]]))
