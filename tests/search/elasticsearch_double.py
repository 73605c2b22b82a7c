"""A local HTTP double of Elasticsearch for tests: it records every request the real client
sends and answers with bodies shaped as Elasticsearch documents them (8.x REST API)."""

import json
import re
from dataclasses import dataclass, field

from werkzeug import Request, Response

HEADERS = {"X-Elastic-Product": "Elasticsearch"}


@dataclass
class Recorded:
    method: str
    path: str
    query: dict
    body: object


@dataclass
class ElasticsearchDouble:
    """Route by method and path; ``aliases`` is the cluster's alias -> indices state."""

    aliases: dict[str, list[str]] = field(default_factory=dict)
    search_response: dict = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)

    def install(self, httpserver) -> None:
        httpserver.expect_request(re.compile(".*")).respond_with_handler(self.handle)

    def handle(self, request: Request) -> Response:
        body = _body(request)
        self.requests.append(
            Recorded(request.method, request.path, dict(request.args.items()), body)
        )
        return self._answer(request.method, request.path, body)

    def _answer(self, method: str, path: str, body) -> Response:
        if method == "HEAD" and path.startswith("/_alias/"):
            return _json(
                {} if path[8:] in self.aliases else None, 200 if path[8:] in self.aliases else 404
            )
        if method == "GET" and path.startswith("/_alias/"):
            alias = path[8:]
            if alias not in self.aliases:
                return _json({"error": f"alias [{alias}] missing", "status": 404}, 404)
            return _json({index: {"aliases": {alias: {}}} for index in self.aliases[alias]})
        if method == "PUT" and "/" not in path[1:]:
            for alias in (body or {}).get("aliases", {}):
                self.aliases[alias] = [path[1:]]
            return _json({"acknowledged": True, "shards_acknowledged": True, "index": path[1:]})
        if path.endswith("/_bulk"):
            return _json({"took": 3, "errors": False, "items": _bulk_items(body)})
        if path.endswith("/_search"):
            return _json(self.search_response)
        if path.endswith("/_refresh"):
            return _json({"_shards": {"total": 1, "successful": 1, "failed": 0}})
        if path == "/_aliases":
            for action in body["actions"]:
                ((kind, target),) = action.items()
                indices = self.aliases.setdefault(target["alias"], [])
                if kind == "add":
                    indices.append(target["index"])
                else:
                    indices.remove(target["index"])
            return _json({"acknowledged": True})
        if method == "DELETE":
            return _json({"acknowledged": True})
        return _json({"error": f"no route {method} {path}", "status": 400}, 400)


def _body(request: Request):
    raw = request.get_data(as_text=True)
    if not raw:
        return None
    if request.path.endswith("/_bulk"):
        return [json.loads(line) for line in raw.splitlines() if line]
    return json.loads(raw)


def _bulk_items(lines: list[dict]) -> list[dict]:
    items = []
    for line in lines:
        action = next(iter(line))
        if action in ("index", "delete"):
            result = "created" if action == "index" else "not_found"
            status = 201 if action == "index" else 404
            items.append({action: {"_id": line[action]["_id"], "result": result, "status": status}})
    return items


def _json(data, status: int = 200) -> Response:
    return Response(
        "" if data is None else json.dumps(data),
        status=status,
        headers=HEADERS,
        content_type="application/json",
    )


def search_response(hits: list[dict], *, total: int | None = None, aggregations=None, suggest=None):
    """A _search answer as Elasticsearch shapes it."""
    body = {
        "took": 2,
        "timed_out": False,
        "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        "hits": {
            "total": {"value": len(hits) if total is None else total, "relation": "eq"},
            "max_score": 1.0,
            "hits": [
                {
                    "_index": "store_a-products-1",
                    "_id": str(h["product_id"]),
                    "_score": 1.0,
                    "_source": h,
                }
                for h in hits
            ],
        },
    }
    if aggregations is not None:
        body["aggregations"] = aggregations
    if suggest is not None:
        body["suggest"] = suggest
    return body


def aggregations(
    *, categories=(), brands=(), prices=(0, 0, 0, 0, 0, 0), attributes=None, filtered=None
):
    """The aggregations part of a _search answer, for the search backend's facets.

    Each facet is a ``filter`` aggregation (the other facets' filters) whose answer holds its
    document count and, under the sub-aggregation's name, the counts: ``counts`` (terms or
    range) or ``attributes`` (nested, by code, by value). ``attributes`` are the values of the
    attributes nobody filters on, ``filtered`` those of each filtered one (``attr.<code>``)."""
    bounds = [None, 25.0, 50.0, 100.0, 250.0, 500.0, None]
    price_buckets = []
    for index, count in enumerate(prices):
        low, high = bounds[index], bounds[index + 1]
        bucket = {"key": f"{low or '*'}-{high or '*'}", "doc_count": count}
        bucket.update({k: v for k, v in (("from", low), ("to", high)) if v is not None})
        price_buckets.append(bucket)

    def terms(pairs):
        buckets = [{"key": key, "doc_count": count} for key, count in pairs]
        return {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": buckets}

    def by_code(values_by_code):
        codes = [
            {"key": code, "doc_count": sum(c for _, c in values), "value": terms(values)}
            for code, values in values_by_code.items()
        ]
        doc_count = sum(code["doc_count"] for code in codes)
        nested = {"doc_count": doc_count, "code": {**terms([]), "buckets": codes}}
        return facet(doc_count, attributes=nested)

    def facet(doc_count, **counts):
        # doc_count: the documents in the facet's filter; the backend does not read it.
        return {"doc_count": doc_count, **counts}

    answer = {
        "category": facet(max((c for _, c in categories), default=0), counts=terms(categories)),
        "brand": facet(sum(c for _, c in brands), counts=terms(brands)),
        "price": facet(sum(prices), counts={"buckets": price_buckets}),
        "attributes": by_code(attributes or {}),
    }
    for code, values in (filtered or {}).items():
        answer[f"attr.{code}"] = by_code({code: values})
    return answer
