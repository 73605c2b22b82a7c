"""``manage.py restore_store <file> --into <schema> [--new --slug <slug>]``: the restore drill."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tenants.errors import BackupError
from tenants.store_backup import read_manifest, restore_store


class Command(BaseCommand):
    help = (
        "Restore a store archive written by export_store: into its store (its data and files "
        "are replaced in one swap), or with --new into a new store."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The archive written by export_store.")
        parser.add_argument(
            "--into",
            dest="schema_name",
            help="The schema to restore into (default: the archive's own store).",
        )
        parser.add_argument(
            "--new", action="store_true", help="Create a new store of that schema instead."
        )
        parser.add_argument("--slug", help="The new store's slug (default: from the schema).")

    def handle(self, *args, file: Path, schema_name, new: bool, slug, **options) -> None:
        try:
            manifest = read_manifest(file)
            schema_name = schema_name or manifest["schema_name"]
            self.stdout.write(
                f"Restoring {manifest['schema_name']} as exported at {manifest['exported_at']} "
                f"into {'a new store, ' if new else ''}{schema_name}..."
            )
            result = restore_store(path=file, schema_name=schema_name, new=new, slug=slug)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {result.schema_name} ({result.tenant.primary_host}): "
            f"{'migrated after restore, ' if result.migrated else ''}"
            f"{result.media_files} media files put back."
        )
