"""Domain errors of the catalog, mapped to the API's error shape by config.api_errors."""

from rest_framework import status

from config.api_errors import DomainError


class CatalogError(DomainError):
    code = "invalid"


class CategoryCycle(CatalogError):
    code = "category_cycle"


class InsufficientStock(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "insufficient_stock"


class StockOutOfRange(CatalogError):
    """A stock change whose result the stock column cannot hold."""

    code = "stock_out_of_range"
