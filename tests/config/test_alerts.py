"""The alert rules (deploy/prometheus/alerts.yml) and the example Prometheus configuration are
well formed, and every metric they name exists: one the platform exports (observability.metrics,
django-prometheus), the blackbox exporter's, or Prometheus's own ``up``. promtool is not
installable here (no PyPI or npm package), so this is the check CI runs."""

import re
from pathlib import Path

import pytest
import yaml
from prometheus_client import REGISTRY

import observability.metrics  # noqa: F401 - registers our metrics

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus" / "alerts.yml"
CONFIG = ROOT / "deploy" / "prometheus" / "prometheus.yml"
DURATION = re.compile(r"^([0-9]+(ms|s|m|h|d|w|y))+$")
# PromQL functions and keywords: the identifiers in an expression that are not metrics.
PROMQL_WORDS = {
    "sum",
    "min",
    "max",
    "avg",
    "count",
    "rate",
    "increase",
    "irate",
    "by",
    "without",
    "and",
    "or",
    "unless",
    "on",
    "ignoring",
    "histogram_quantile",
    "clamp_min",
    "clamp_max",
    "time",
    "abs",
    "offset",
    "bool",
    "le",
    "group_left",
    "group_right",
    "absent",
    "delta",
}
OTHER_EXPORTERS = {"up", "probe_ssl_earliest_cert_expiry", "probe_success"}
WAKES_SOMEONE = {
    "5xx rate": "MercatoHigh5xxRate",
    "p95 latency": "MercatoSlowResponses",
    "queue backlog": "MercatoQueueBacklog",
    "failed payments spike": "MercatoFailedPaymentsSpike",
    "certificate expiry": "MercatoCertificateExpiresSoon",
}


def exported_metric_names() -> set[str]:
    names = set(OTHER_EXPORTERS)
    for family in REGISTRY.collect():
        for suffix in ("", "_total", "_bucket", "_count", "_sum", "_created"):
            names.add(family.name + suffix)
    # Collected at scrape time, not registered until the first scrape.
    names |= {"mercato_celery_queue_depth", "mercato_celery_broker_up"}
    return names


def rules() -> list[dict]:
    document = yaml.safe_load(RULES.read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def metric_names_in(expr: str) -> set[str]:
    expr = re.sub(r'"[^"]*"', '""', expr)
    expr = re.sub(r"\{[^}]*\}", "", expr)  # label matchers
    expr = re.sub(r"\[[^\]]*\]", "", expr)  # ranges
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    expr = re.sub(r"\b[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?\b", "", expr)
    return set(re.findall(r"[A-Za-z_:][A-Za-z0-9_:]*", expr)) - PROMQL_WORDS


def test_the_rule_file_is_well_formed():
    document = yaml.safe_load(RULES.read_text())
    groups = document["groups"]
    assert len({group["name"] for group in groups}) == len(groups)
    alerts = [rule["alert"] for rule in rules()]
    assert len(set(alerts)) == len(alerts)
    for rule in rules():
        assert set(rule) == {"alert", "expr", "for", "labels", "annotations"}, rule["alert"]
        assert DURATION.match(rule["for"]), rule["alert"]
        assert rule["labels"]["severity"] in {"warning", "critical"}, rule["alert"]
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]
        expr = rule["expr"]
        for opening, closing in ("()", "[]", "{}"):
            assert expr.count(opening) == expr.count(closing), rule["alert"]
        assert expr.count('"') % 2 == 0, rule["alert"]
        for template in re.findall(r"\{\{(.*?)\}\}", " ".join(rule["annotations"].values())):
            assert re.fullmatch(r"\s*\$(value|labels\.[a-z_]+)(\s*\|\s*[a-zA-Z]+)?\s*", template)


@pytest.mark.parametrize("alert", sorted({r["alert"] for r in rules()}))
def test_every_metric_an_alert_names_is_exported(alert):
    expr = next(rule["expr"] for rule in rules() if rule["alert"] == alert)
    unknown = metric_names_in(expr) - exported_metric_names()
    assert not unknown, f"{alert} names metrics nobody exports: {sorted(unknown)}"


def test_the_issue_s_alerts_are_all_there():
    alerts = {rule["alert"] for rule in rules()}
    assert set(WAKES_SOMEONE.values()) <= alerts
    certificate = next(r for r in rules() if r["alert"] == WAKES_SOMEONE["certificate expiry"])
    assert "probe_ssl_earliest_cert_expiry" in certificate["expr"]


def test_no_alert_groups_by_store():
    for rule in rules():
        expr = rule["expr"]
        assert not re.search(r"\b(store|schema|tenant)\s*[=!]", expr), rule["alert"]
        assert not re.search(r"\bby\s*\([^)]*\b(store|schema|tenant)\b", expr), rule["alert"]


def test_the_example_configuration_loads_the_rules_and_scrapes_with_the_token():
    config = yaml.safe_load(CONFIG.read_text())
    assert config["rule_files"] == ["alerts.yml"]
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    web = jobs["mercato-web"]
    assert web["metrics_path"] == "/metrics"
    assert web["authorization"]["type"] == "Bearer"
    # The job names the rules filter on.
    expressions = " ".join(rule["expr"] for rule in rules())
    for job in re.findall(r'job="([^"]+)"', expressions):
        assert job in jobs
