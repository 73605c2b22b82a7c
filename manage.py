#!/usr/bin/env python
"""Django's command-line utility for Mercato."""

import sys

import sourceroot


def main() -> None:
    sourceroot.activate()
    from config.embedded import EmbeddedServiceError

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(sys.argv)
    except EmbeddedServiceError as error:
        # One line that says what to do, never a traceback: see config/embedded.py.
        sys.stderr.write(f"mercato: {error}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
