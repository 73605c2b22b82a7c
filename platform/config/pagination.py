"""What every paginated list of the API shares: a ``page_size`` the client may choose, within
bounds the schema states, and refused (400) outside them rather than silently replaced."""

from rest_framework.exceptions import ValidationError


class BoundedPageSize:
    """Mixin for DRF paginators (cursor or page number) with ``page_size_query_param`` and
    ``max_page_size`` set: a ``page_size`` that is not a whole number from 1 to
    ``max_page_size`` answers 400, where DRF would fall back to the default size."""

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"Give a whole number from 1 to {self.max_page_size}."
                    ]
                }
            )
        return size

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    **parameter["schema"],
                    "minimum": 1,
                    "maximum": self.max_page_size,
                }
        return parameters
