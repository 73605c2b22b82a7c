"""The API docs (Swagger UI) come from the project itself: no CDN, so they work offline."""

import re

from django.contrib.staticfiles import finders

ASSET = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


def _assets_of_docs_page(client) -> list[str]:
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "SwaggerUIBundle" in page
    assert 'url: "/api/schema/"' in page  # the schema, from the same host
    assert '"validatorUrl": null' in page  # no schema sent to validator.swagger.io
    return ASSET.findall(page)


def test_api_docs_load_swagger_ui_from_our_own_static_files(platform_client, store_client, store_a):
    for client in (platform_client, store_client(store_a)):
        assets = _assets_of_docs_page(client)
        assert any(asset.endswith("swagger-ui-bundle.js") for asset in assets)
        for asset in assets:
            assert asset.startswith("/static/"), f"{asset} is not served by the project"
            assert finders.find(asset.removeprefix("/static/")), f"{asset} is missing"
