"""``python -m forecasting``: see :mod:`forecasting.cli`."""

import sys

from .cli import main

sys.exit(main())
