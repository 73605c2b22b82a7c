"""Everything ``make run`` does before starting the servers, in one process (one start-up)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    # The web server runs the system checks when it starts.
    requires_system_checks = []
    help = (
        "Migrate the schemas that need it, create the demo store if missing, and print the "
        "URLs to open."
    )

    def handle(self, *args, **options) -> None:
        call_command("migrate_pending", stdout=self.stdout)
        call_command("create_demo_store", stdout=self.stdout)
        call_command("platform_urls", stdout=self.stdout)
