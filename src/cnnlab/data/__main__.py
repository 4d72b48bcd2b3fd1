"""``python -m cnnlab.data fetch|verify [all|NAME]``: see :mod:`cnnlab.data.cli`."""

import sys

from cnnlab.data.cli import main

sys.exit(main())
