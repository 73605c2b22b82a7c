"""CSV export of the filtered order list (the list's own filters and search).

Cells a spreadsheet would run as formulas are written behind a quote (OWASP; the catalog's
``csv_cell``). Streams the rows with ``iterator()``: one query whatever their number."""

import csv

from django.db import connection
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.permissions import EXPORT_ORDERS
from catalog.import_rows import csv_cell
from orders.store_admin.screens import TITLE, filtered_orders
from tenants import audit
from tenants.store_admin.access import requires_permission

COLUMNS = (
    "number",
    "placed_at",
    "status",
    "payment_status",
    "fulfilment_status",
    "channel",
    "payment_method",
    "email",
    "name",
    "country",
    "currency",
    "subtotal",
    "shipping",
    "tax",
    "discount",
    "total",
    "amount_paid",
    "amount_refunded",
)
EXPORT_REASON = "Only the store's owner and order managers export orders."


class _Echo:
    def write(self, value):
        return value


def _row(order) -> list[str]:
    address = order.shipping_address or order.billing_address or {}
    values = [
        order.number,
        timezone.localtime(order.placed_at).isoformat(timespec="seconds"),
        order.status,
        order.payment_status,
        order.fulfilment_status,
        order.channel,
        order.payment_method,
        order.email,
        address.get("full_name", ""),
        address.get("country", ""),
        order.currency,
        order.subtotal,
        order.shipping,
        order.tax,
        order.discount,
        order.total,
        order.amount_paid,
        order.amount_refunded,
    ]
    return [csv_cell(str(value)) for value in values]


def rows(orders):
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for order in orders.iterator(chunk_size=500):
        yield writer.writerow(_row(order))


@require_http_methods(["GET"])
@requires_permission(EXPORT_ORDERS, title=TITLE, reason=EXPORT_REASON)
def export_csv(request):
    _form, orders = filtered_orders(request)
    audit.record(
        action="orders.exported",
        tenant=connection.tenant,
        actor_label=request.user.get_username(),
        filters=sorted(key for key, value in request.GET.items() if value),
    )
    response = StreamingHttpResponse(rows(orders), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="orders-{stamp}.csv"'
    return response
