"""The Celery backlog measured in the real Redis broker and put in CloudWatch (a local double
speaking the protocol boto3 uses), for the workers' autoscaling (deploy/terraform)."""

import uuid

import pytest
import redis
from django.conf import settings

from config.celery import app
from tenants.queue_metrics import publish_queue_depth, queue_depth
from tenants.tasks import publish_queue_depth as publish_task
from tests.doubles.cloudwatch import CloudWatchDouble


@pytest.fixture
def queue():
    """A queue of its own on the real broker, with 3 plain and 2 high-priority tasks waiting."""
    name = f"depth-{uuid.uuid4().hex[:8]}"
    for _ in range(3):
        app.send_task("tenants.tasks.refill_store_pool", queue=name)
    for _ in range(2):
        app.send_task("tenants.tasks.refill_store_pool", queue=name, priority=6)
    yield name
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete(name, *(f"{name}\x06\x16{step}" for step in (3, 6, 9)))
    client.close()


@pytest.fixture
def cloudwatch(settings, monkeypatch):
    double = CloudWatchDouble().start()
    settings.QUEUE_METRICS_NAMESPACE = "Mercato/Celery"
    settings.QUEUE_METRICS_ENDPOINT_URL = double.url
    settings.CUSTOM_DOMAIN_AWS_REGION = "eu-west-1"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    yield double
    double.stop()


def test_the_backlog_counts_every_priority_and_reaches_cloudwatch(queue, cloudwatch):
    assert queue_depth(queue) == 5
    assert publish_queue_depth(queue) == 5
    assert cloudwatch.metrics == [
        {
            "namespace": "Mercato/Celery",
            "name": "QueueDepth",
            "dimensions": {"Queue": queue},
            "value": 5.0,
            "unit": "Count",
        }
    ]


def test_nothing_is_published_without_a_namespace(settings, queue):
    settings.QUEUE_METRICS_NAMESPACE = ""
    assert publish_task() is None
    assert queue_depth(f"{queue}-empty") == 0
