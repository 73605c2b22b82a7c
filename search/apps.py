from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from catalog.events import products_changed
        from search.events import queue_indexing

        products_changed.connect(queue_indexing, weak=False, dispatch_uid="search.queue_indexing")
