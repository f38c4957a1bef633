"""Allow `python -m samverkan.minutes FILE --json`."""

import sys

from .cli import main

sys.exit(main(sys.argv[1:]))
