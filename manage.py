#!/usr/bin/env python
"""Django's command-line utility for Mercato."""

import sys

import sourceroot


def main() -> None:
    sourceroot.activate()
    from django.core.exceptions import ImproperlyConfigured

    from config.embedded import EmbeddedServiceError

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(sys.argv)
    except (EmbeddedServiceError, ImproperlyConfigured) as error:
        # One line that says what to do, never a traceback: a service that cannot start
        # (config/embedded.py) or a setting that is missing or unsafe (config/settings.py).
        sys.stderr.write(f"mercato: {error}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
