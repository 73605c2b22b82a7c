"""``manage.py export_store <schema> <file>``: one store's schema, rows and media in one tar."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tenants.errors import BackupError
from tenants.store_backup import export_store


class Command(BaseCommand):
    help = (
        "Export one store (its schema's tables and rows, its media files, its platform rows) "
        "to a tar archive that restore_store reads."
    )

    def add_arguments(self, parser):
        parser.add_argument("schema_name", help="The store's schema (Tenant.schema_name).")
        parser.add_argument("file", type=Path, help="The archive to write (a .tar file).")

    def handle(self, *args, schema_name: str, file: Path, **options) -> None:
        try:
            manifest = export_store(schema_name=schema_name, path=file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Exported {schema_name} to {file}: {len(manifest['migrations'])} migrations "
            f"applied, {len(manifest['media'])} media files, "
            f"{file.stat().st_size / 1e6:.1f} MB."
        )
