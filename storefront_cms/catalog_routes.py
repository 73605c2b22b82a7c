from wagtail.contrib.routable_page.models import RoutablePageMixin


class CatalogRoutes(RoutablePageMixin):
    pass
