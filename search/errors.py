"""Domain errors of the search, mapped to the API's error shape by config.api_errors."""

from config.api_errors import DomainError


class SynonymInvalid(DomainError):
    """A synonym group the search cannot use (its words named in ``fields["terms"]``)."""

    code = "invalid"
