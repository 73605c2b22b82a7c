"""The providers' webhook endpoint on the store's host: ``POST /payments/webhooks/<code>/``.

CSRF exempt (a provider posts it), never cached. The raw body goes to
``provider.handle_webhook`` (signature verified before anything else; refused: 400, nothing
stored), the event is kept once (a repeat answers 200, nothing done) and a Celery task applies
it after commit: the answer is fast and carries nothing about the store.
"""

import logging

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.api_errors import DomainError, error_body
from payments import services

logger = logging.getLogger(__name__)

WEBHOOK_MAX_BYTES = 1024 * 1024


@csrf_exempt
@never_cache
@require_POST
def webhook(request, code: str):
    if len(request.body) > WEBHOOK_MAX_BYTES:
        return JsonResponse(error_body("too_large", "The body is too large."), status=413)
    try:
        _event, created = services.receive_webhook(
            code=code, body=request.body, headers=request.headers
        )
    except DomainError as refused:
        logger.info("webhook %s refused: %s", code, refused.code)
        return JsonResponse(
            error_body(refused.code, refused.message, refused.fields),
            status=refused.status_code,
        )
    return JsonResponse({"received": True, "duplicate": not created})
