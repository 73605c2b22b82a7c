"""Every role against the search endpoints (the harness is tests/matrix.py): open to anyone,
foreign credentials refused."""

import pytest

from tests.matrix import Endpoint, case_id, check_every_role, expect, route_of

pytestmark = pytest.mark.django_db

ROWS = [
    Endpoint("GET", "/api/v1/search/?q=lamp", expect(200, anonymous=200, api_key=200)),
    Endpoint("GET", "/api/v1/search/suggest/?q=la", expect(200, anonymous=200, api_key=200)),
]


@pytest.mark.parametrize("endpoint", ROWS, ids=case_id)
def test_permission_matrix(endpoint, cast, settings):
    settings.SEARCH_BACKEND = "postgres"
    check_every_role(cast, endpoint)


def test_every_search_endpoint_is_in_the_matrix():
    from search.api.urls import urlpatterns

    declared = {f"/api/v1/{pattern.pattern}" for pattern in urlpatterns}
    assert declared - {route_of(row.path.split("?")[0]) for row in ROWS} == set()
