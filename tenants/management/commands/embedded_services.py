"""Status and stop of the embedded PostgreSQL and Redis (see config/embedded.py)."""

from django.core.management.base import BaseCommand

from config import embedded


class Command(BaseCommand):
    help = "Show or stop the embedded PostgreSQL and Redis. Their data in .data/ is kept."

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["status", "stop"])

    def handle(self, *args, action: str, **options) -> None:
        postgres = embedded.EmbeddedPostgres(embedded.DATA_DIR)
        redis = embedded.EmbeddedRedis(embedded.DATA_DIR)
        if action == "stop":
            postgres.stop()
            redis.stop()
            self.stdout.write(f"Stopped. Data kept in {embedded.DATA_DIR}.")
            return
        self.stdout.write(f"postgres  {postgres.url()}  running={postgres.is_running()}")
        self.stdout.write(f"redis     {redis.url()}  running={redis.is_running()}")
