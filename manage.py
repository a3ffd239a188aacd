#!/usr/bin/env python
"""Django's command-line utility; administrators use the ``territoria`` command instead."""

import sys

from territoria.cli import run_django

if __name__ == "__main__":
    run_django(sys.argv)
