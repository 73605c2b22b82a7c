"""The Celery backlog, published to CloudWatch for the workers' autoscaling and the backlog alarm.

deploy/terraform's worker service scales on ``QueueDepth`` per running task (namespace
``QUEUE_METRICS_NAMESPACE``, dimension ``Queue``), and an alarm fires on a long backlog. A beat
job publishes it every minute when the namespace is set (production); nothing otherwise.
"""

import redis
from django.conf import settings

# kombu's Redis transport keeps a queue as a list per priority step: "<queue>" for priority 0,
# "<queue>\x06\x16<step>" for the others (kombu.transport.redis: PRIORITY_STEPS, sep).
_PRIORITY_STEPS = (0, 3, 6, 9)
_SEPARATOR = "\x06\x16"


def queue_depth(queue: str | None = None) -> int:
    """Messages waiting in ``queue`` (the default queue), every priority counted."""
    queue = queue or settings.CELERY_TASK_DEFAULT_QUEUE
    keys = [queue if step == 0 else f"{queue}{_SEPARATOR}{step}" for step in _PRIORITY_STEPS]
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        with client.pipeline(transaction=False) as pipeline:
            for key in keys:
                pipeline.llen(key)
            return sum(pipeline.execute())
    finally:
        client.close()


def publish_queue_depth(queue: str | None = None) -> int | None:
    """Measure the backlog and put it in CloudWatch; None (nothing sent) when not configured."""
    namespace = settings.QUEUE_METRICS_NAMESPACE
    if not namespace:
        return None
    import boto3

    queue = queue or settings.CELERY_TASK_DEFAULT_QUEUE
    depth = queue_depth(queue)
    client = boto3.client(
        "cloudwatch",
        region_name=settings.CUSTOM_DOMAIN_AWS_REGION or None,
        endpoint_url=settings.QUEUE_METRICS_ENDPOINT_URL,
    )
    client.put_metric_data(
        Namespace=namespace,
        MetricData=[
            {
                "MetricName": "QueueDepth",
                "Dimensions": [{"Name": "Queue", "Value": queue}],
                "Value": depth,
                "Unit": "Count",
            }
        ],
    )
    return depth
