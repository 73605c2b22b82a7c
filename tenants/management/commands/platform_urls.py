"""Print where to open the platform (``make run`` shows it before starting the servers)."""

from django.core.management.base import BaseCommand

from tenants.models import Tenant, platform_url


class Command(BaseCommand):
    help = "Print the URLs of the platform and its stores."

    def handle(self, *args, **options) -> None:
        root = platform_url()
        lines = ["", "Mercato is starting. Open:", f"  platform        {root}"]
        lines.append(f"  platform admin  {root}admin/   (admin@example.com / mercato-demo)")
        for store in Tenant.objects.filter(status=Tenant.Status.ACTIVE).order_by("created_at"):
            lines.append(f"  {store.name:<15} {store.url}")
            if store.slug == "demo":
                lines.append(
                    f"  store admin     {store.url}admin/   (owner@example.com / mercato-demo)"
                )
        lines.append("Press Ctrl-C to stop everything.\n")
        self.stdout.write("\n".join(lines))
