"""Mercato settings: one module, every value from the environment (12-factor).

Production differs from development by values, not by code paths: with ``DEBUG`` off the
secure defaults below switch on, and ``manage.py check --deploy`` passes with no warnings.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import lazy

from config import embedded

BASE_DIR = Path(__file__).resolve().parents[2]


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    return int(value) if value else default


def env_list(name: str, default: tuple[str, ...] = ()) -> list[str]:
    value = env_str(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else list(default)


DEBUG = env_bool("DEBUG", default=False)


# Keys copied from examples and tutorials: never a production key, whatever their length.
_PLACEHOLDER_SECRET_KEYS = {
    "changeme",
    "change-me",
    "change_me",
    "secret",
    "secret-key",
    "secret_key",
    "insecure-key-for-tests-only",
}
_SECRET_KEY_MIN_LENGTH = 50


def _weak_secret_key_reason(key: str) -> str | None:
    if key.startswith("django-insecure-") or key.lower() in _PLACEHOLDER_SECRET_KEYS:
        return "is a known placeholder"
    if len(key) < _SECRET_KEY_MIN_LENGTH:
        return f"has {len(key)} characters, fewer than {_SECRET_KEY_MIN_LENGTH}"
    if len(set(key)) < 5:  # Django's deployment check's rule, for a key like "x" * 50
        return "has fewer than 5 different characters"
    return None


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        reason = None if DEBUG else _weak_secret_key_reason(key)
        if reason:
            raise ImproperlyConfigured(
                f"SECRET_KEY {reason}: with DEBUG off, set {_SECRET_KEY_MIN_LENGTH}+ random "
                "characters (python -c 'import secrets; print(secrets.token_urlsafe(50))')."
            )
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (or DEBUG=1 for development)."
        )
    # Development only: generate once and keep it, so sessions survive a restart.
    key_file = embedded.DATA_DIR / "dev_secret_key"
    if not key_file.exists():
        embedded.DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

# --- Hosts and tenancy -------------------------------------------------------------------------

# Stores live at <slug>.<PLATFORM_DOMAIN>; the platform itself at PLATFORM_DOMAIN.
PLATFORM_DOMAIN = env_str("PLATFORM_DOMAIN", "localhost").lower()
# Stores may bring their own domains, so any well-formed host is let through to the routing
# middleware (tenants.middleware), which answers only hosts of a live store or the platform and
# gives every other host a 404 before any view runs. Malformed hosts still get 400.
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ("*",))
# How many proxies in front of the application append to X-Forwarded-For (a load balancer: 1).
# 0: the header is ignored and the connection's address is the client. One function reads it
# (config.client_ip) for throttles, login lockouts, logs and the audit log.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
PLATFORM_URL_SCHEME = env_str("PLATFORM_URL_SCHEME", "http" if DEBUG else "https")
PLATFORM_URL_PORT = env_str("PLATFORM_URL_PORT", "8000" if DEBUG else "")

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
# Issue `SET search_path` once per connection and schema, not before every query (it was half
# of an order placement's round trips). Safe with this django-tenants: a rollback (or a rollback
# to a savepoint) forgets the path it set, and switching schema sets it again.
TENANT_LIMIT_SET_CALLS = True
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
# The schema every store is provisioned from; migrate_schemas keeps it in step (tenants.apps).
STORE_TEMPLATE_SCHEMA = "store_template"
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)

# Apps whose tables live in the public schema: the platform itself and its admins.
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "accounts",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Empty in public, but allauth's pages (platform admins' login and TOTP) query it.
    "allauth.socialaccount",
    "rest_framework",
    "dj_rest_auth",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served as our own static files
    "django_prometheus",
    "observability",  # /metrics, our own metrics' receivers (no models)
]

# Apps whose tables every store gets in its own schema: users are per store.
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    # Each store enters its own OAuth client in its admin (a SocialApp row in its schema).
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.facebook",
    "treebeard",  # no tables: its admin templates, for the category tree
    "catalog",
    "cart",
    "orders",
    "payments",
    "search",
    "taxes",
    "shipping",
    "wishlists",
    "storefront_cms",
    "idempotency",
    "checkout",
    "b2b",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
]

INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

MIDDLEWARE = [
    # django-prometheus's pair brackets everything, so its figures include the other middleware.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "config.middleware.RequestIdMiddleware",
    "config.middleware.HealthCheckMiddleware",
    # /metrics on the platform's host or a task's IP, behind a token or an allowlist.
    "observability.middleware.MetricsEndpointMiddleware",
    # Before the routing, so that requests it refuses (unknown host, suspended store) count.
    "observability.middleware.RequestMetricsMiddleware",
    "tenants.middleware.StoreRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",  # request.htmx (the storefront's cart forms)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffTwoFactorMiddleware",
    "tenants.middleware.StoreRedirectMiddleware",
    # Last: its lookup runs once the URL is resolved, before any storefront page is found.
    "storefront_cms.caching.StorefrontCacheMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "platform" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.platform",
                "storefront_cms.context_processors.storefront",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# --- Database ----------------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL") or embedded.ensure_postgres()
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        engine="django_tenants.postgresql_backend",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DATABASES["default"].setdefault("TEST", {})["NAME"] = env_str("TEST_DATABASE_NAME") or None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, Celery broker ---------------------------------------------------------------

REDIS_URL = env_str("REDIS_URL") or embedded.ensure_redis()
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        # Every key carries the schema of the store that wrote it (tenant isolation).
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "mercato"),
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
    }
}

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A queue of its own lets a separate server share a broker without its workers taking
# others' tasks (tests/live_server.py runs the real server and worker beside the test suite).
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "suspend-stores-past-grace": {
        "task": "tenants.tasks.suspend_stores_past_grace",
        "schedule": 15 * 60,
    },
    "purge-deleted-stores": {"task": "tenants.tasks.purge_deleted_stores", "schedule": 60 * 60},
    "refill-store-pool": {"task": "tenants.tasks.refill_store_pool", "schedule": 5 * 60},
    "remove-expired-domain-claims": {
        "task": "tenants.tasks.remove_expired_domain_claims",
        "schedule": 60 * 60,
    },
    # Custom domains' certificates: validated ones attached, removed ones released (ACM).
    "refresh-domain-certificates": {
        "task": "tenants.tasks.refresh_domain_certificates",
        "schedule": 5 * 60,
    },
    "publish-queue-depth": {"task": "tenants.tasks.publish_queue_depth", "schedule": 60},
    # Fans out: one task per live store, in its schema (idempotency.tasks).
    "expire-idempotency-keys": {
        "task": "idempotency.tasks.expire_idempotency_keys",
        "schedule": 60 * 60,
    },
    # Per store: expire stale anonymous carts, mark abandoned ones, send the opted-in reminders.
    "process-abandoned-carts": {"task": "cart.tasks.process_abandoned_carts", "schedule": 15 * 60},
    # Per store: give back the stock of reservations that expired without becoming an order.
    "release-expired-stock-reservations": {
        "task": "orders.tasks.release_expired_stock_reservations",
        "schedule": 5 * 60,
    },
    # Per store: ask providers about payments stuck pending (payments.tasks).
    "reconcile-payments": {"task": "payments.tasks.reconcile_payments", "schedule": 10 * 60},
    # Per store: overdue invoices and their one reminder, expired quotes (b2b.tasks).
    "b2b-invoices-and-quotes": {
        "task": "b2b.tasks.process_invoices_and_quotes",
        "schedule": 60 * 60,
    },
}

# --- Stores ------------------------------------------------------------------------------------

# A deleted store's schema is dropped this many days after deletion (export it before).
STORE_RETENTION_DAYS = env_int("STORE_RETENTION_DAYS", 30)
# A store whose subscription payment failed stays open this long, then is suspended.
BILLING_GRACE_DAYS = env_int("BILLING_GRACE_DAYS", 7)
# An unverified custom domain claim lapses after this many hours (tenants.domains).
CUSTOM_DOMAIN_CLAIM_HOURS = env_int("CUSTOM_DOMAIN_CLAIM_HOURS", 72)
# HTTPS for verified custom domains (tenants.certificates): "acm" requests a certificate per
# domain from ACM and attaches it to the load balancer's HTTPS listener; empty: none (development).
CUSTOM_DOMAIN_CERTIFICATES = env_str("CUSTOM_DOMAIN_CERTIFICATES")
CUSTOM_DOMAIN_LISTENER_ARN = env_str("CUSTOM_DOMAIN_LISTENER_ARN")
CUSTOM_DOMAIN_AWS_REGION = env_str("CUSTOM_DOMAIN_AWS_REGION") or env_str("AWS_DEFAULT_REGION")
# The Celery backlog published to CloudWatch every minute (tenants.queue_metrics), read by the
# workers' autoscaling; empty: not published (development).
QUEUE_METRICS_NAMESPACE = env_str("QUEUE_METRICS_NAMESPACE")
QUEUE_METRICS_ENDPOINT_URL = env_str("QUEUE_METRICS_ENDPOINT_URL") or None
# Local doubles in tests; empty means AWS's own endpoints.
CUSTOM_DOMAIN_ACM_ENDPOINT_URL = env_str("CUSTOM_DOMAIN_ACM_ENDPOINT_URL") or None
CUSTOM_DOMAIN_ELB_ENDPOINT_URL = env_str("CUSTOM_DOMAIN_ELB_ENDPOINT_URL") or None
SIGNUP_RATE = env_str("SIGNUP_RATE", "10/hour")
# How long a serialized shop listing or product page is kept (keyed by the catalog's version,
# so a change is visible at once); 0 turns the cache off.
CATALOG_ANSWER_CACHE_SECONDS = env_int("CATALOG_ANSWER_CACHE_SECONDS", 600)
# Anonymous storefront pages, kept under the catalog's and content's versions; 0 turns it off.
STOREFRONT_PAGE_CACHE_SECONDS = env_int("STOREFRONT_PAGE_CACHE_SECONDS", 600)
# Store schemas kept ready for signups (tenants.pool); 0 disables the pool.
STORE_POOL_SIZE = env_int("STORE_POOL_SIZE", 3)
# Store schemas migrated at once by a deploy (manage.py migrate_pending; tenants.parallel_migrate),
# one database connection each, never more than the server has free; also django-tenants' own
# setting for ``migrate_schemas --executor=multiprocessing``.
TENANT_MULTIPROCESSING_MAX_PROCESSES = env_int("MIGRATION_PROCESSES", os.cpu_count() or 2)
# An Idempotency-Key's answer is replayed this long (then the key is free again and deleted
# by a periodic task); a key whose request never finished (its process died) is taken over
# by the next request after IDEMPOTENCY_IN_FLIGHT_SECONDS (above any request's timeout).
IDEMPOTENCY_KEY_HOURS = env_int("IDEMPOTENCY_KEY_HOURS", 24)
IDEMPOTENCY_IN_FLIGHT_SECONDS = env_int("IDEMPOTENCY_IN_FLIGHT_SECONDS", 300)

# --- Search ------------------------------------------------------------------------------------

ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL")
SEARCH_BACKEND = env_str("SEARCH_BACKEND", "elasticsearch" if ELASTICSEARCH_URL else "postgres")
# Past this, a search answers from PostgreSQL instead (search.backends.elasticsearch).
ELASTICSEARCH_TIMEOUT_MS = env_int("ELASTICSEARCH_TIMEOUT_MS", 1500)

# --- Files -------------------------------------------------------------------------------------

MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / ".data" / "media")
MEDIA_URL = env_str("MEDIA_URL", "/media/")
# Uploaded files of a store live under its own prefix: <MEDIA_ROOT>/<schema>/...
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
# Catalog uploads: product images (bytes, and pixels against decompression bombs), import files.
CATALOG_IMAGE_MAX_BYTES = env_int("CATALOG_IMAGE_MAX_BYTES", 10 * 1024 * 1024)
CATALOG_IMAGE_MAX_PIXELS = env_int("CATALOG_IMAGE_MAX_PIXELS", 40_000_000)
CATALOG_IMPORT_MAX_BYTES = env_int("CATALOG_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / ".data" / "static")
STATIC_URL = "/static/"
# The project's own static files (the favicon); apps keep theirs in <app>/static/.
STATICFILES_DIRS = [BASE_DIR / "platform" / "static"]
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it, even when empty

AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
AWS_S3_REGION_NAME = env_str("AWS_S3_REGION_NAME") or None
AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL") or None
AWS_S3_CUSTOM_DOMAIN = env_str("AWS_S3_CUSTOM_DOMAIN") or None
AWS_DEFAULT_ACL = None
AWS_S3_FILE_OVERWRITE = False
STORAGES = {
    "default": {
        "BACKEND": (
            "tenants.storage.TenantS3Storage"
            if AWS_STORAGE_BUCKET_NAME
            else "tenants.storage.TenantFileSystemStorage"
        )
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Identity ----------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    # Roles -> permissions, for the Django admin and Wagtail (accounts.permissions).
    "accounts.permissions.RolePermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Confirmation keys are random and stored in the store's own schema. allauth's default (HMAC
# keys signing the email address's id with the one SECRET_KEY) would let a key from store A
# confirm whichever address has the same id at store B.
ACCOUNT_EMAIL_CONFIRMATION_HMAC = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = env_int("EMAIL_CONFIRMATION_EXPIRE_DAYS", 3)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60 * 3)
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
# Lockout after repeated failures, per account and per IP, for the storefront's login page and
# the API's login alike (both go through allauth's "login_failed" limit, kept in Redis per store).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("LOGIN_FAILED_RATE_LIMIT", "20/15m/ip,5/15m/key"),
}
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
# Social login never takes over an existing account by email alone.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_PROVIDERS = {
    "google": {"SCOPE": ["profile", "email"], "AUTH_PARAMS": {"access_type": "online"}},
    "facebook": {"METHOD": "oauth2", "SCOPE": ["email", "public_profile"]},
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Mercato"
# Recovery codes are secrets: shown once, right after they are generated (new ones can be made).
MFA_RECOVERY_CODES_SHOW_ONCE = True

REST_AUTH = {
    # The API authenticates with tokens (accounts.AuthToken: one per login, stored as a digest
    # in the store's own schema); storefront pages use sessions. Logging in through the API
    # does not open a session.
    "SESSION_LOGIN": False,
    "TOKEN_MODEL": "accounts.models.AuthToken",
    "LOGIN_SERIALIZER": "accounts.api.serializers.LoginSerializer",
    "REGISTER_SERIALIZER": "accounts.api.serializers.RegisterSerializer",
    "TOKEN_SERIALIZER": "accounts.api.serializers.TokenSerializer",
    "USER_DETAILS_SERIALIZER": "accounts.api.serializers.ProfileSerializer",
    "PASSWORD_RESET_SERIALIZER": "accounts.api.serializers.StorefrontPasswordResetSerializer",
    "OLD_PASSWORD_FIELD_ENABLED": True,
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "config.openapi.MercatoAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.TokenAuthentication",
        "accounts.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "config.api_errors.exception_handler",
    # The API speaks JSON; the few upload endpoints (images, imports) name multipart themselves.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["config.throttles.ScopedRateThrottle"],
    # Our throttles ask config.client_ip; this keeps any stock DRF throttle in agreement.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "signup": env_str("SIGNUP_RATE", "10/hour"),
        "auth": env_str("AUTH_RATE", "60/minute"),
        "password_reset": env_str("PASSWORD_RESET_RATE", "10/hour"),
        "company_invitation": env_str("COMPANY_INVITATION_RATE", "30/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mercato API",
    "VERSION": "1.0.0",
    "DESCRIPTION": (
        "Each store has its own API at `https://<store>.<platform domain>/api/v1/`; accounts, "
        "tokens and keys of one store are unknown at every other.\n\n"
        "**Authentication.** People sign in with `POST /api/v1/auth/login/` and send the token "
        "it returns as `Authorization: Token <key>` (each login issues its own; a password "
        "change ends all the others). B2B integrations send an API key as "
        "`Authorization: Api-Key mk_...`; a key reaches only the endpoints its scopes "
        "(`catalog:read`, `orders:place`, `orders:read`) open for its kind: the store's own "
        "keys reach the staff endpoints, a company's keys only what the company reaches as a "
        "buyer (the shop catalog at its prices, its own orders). Storefront sessions also work, "
        "with CSRF; calls with a token or an API key are not subject to CSRF.\n\n"
        "**Bodies** are JSON (`Content-Type: application/json`); only file uploads (product "
        "images, catalog imports) are `multipart/form-data`.\n\n"
        "**Retries.** Every POST that creates something accepts an `Idempotency-Key` header "
        "(1 to 255 visible ASCII characters, a UUID for instance): the first answer is stored for "
        "24 hours for the caller at this store and replayed to any retry with the same key "
        "(marked `Idempotent-Replayed: true`), so nothing is created twice; the same key with "
        "another body answers 422 `idempotency_key_reused`, and while the first request runs, "
        "409 `idempotency_key_in_flight`.\n\n"
        '**Errors** all have one shape: `{"error": {"code", "message", "fields"}}` '
        "(`fields` only for invalid input), everywhere under `/api/`: 400 invalid input, 401 "
        "not authenticated, 403 not allowed, 404 not found (also another store's or person's "
        "objects, and any path no endpoint has), 429 throttled or locked out."
    ),
    # Only our own API: Wagtail's internal admin endpoints are not part of the public contract.
    "PREPROCESSING_HOOKS": ["config.openapi.only_mercato_api"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.openapi.document_error_shape",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets whose field names other components share ("kind", "status"): named here.
    "ENUM_NAME_OVERRIDES": {
        "DeliveryOptionKindEnum": "shipping.models.DeliveryOption.Kind",
        "OrderStatusEnum": "orders.models.OrderStatus",
        "PaymentActionKindEnum": "payments.gateway.ActionKind",
        "PaymentStateEnum": "payments.gateway.PaymentState",
        "PaymentEventKindEnum": "payments.models.PaymentEvent.Kind",
        "RefundStateEnum": "payments.models.Refund.State",
        "PriceListEntryKindEnum": "b2b.models.pricing.PriceListEntry.Kind",
        "PriceListEntryTargetEnum": "b2b.models.pricing.PriceListEntry.Target",
        "CompanyStatusEnum": "accounts.models.Company.Status",
        "InvoiceStatusEnum": "b2b.models.invoicing.InvoiceStatus",
        "QuoteStatusEnum": "b2b.models.quotes.QuoteStatus",
        "RequisitionListKindEnum": "b2b.models.requisitions.RequisitionList.Kind",
    },
    # /api/docs/ loads Swagger UI from our static files, never from a CDN (works offline).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Swagger UI's default sends the schema's URL to validator.swagger.io for a badge.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # The schema endpoint is the document, not an operation of the API it documents.
    "SERVE_INCLUDE_SCHEMA": False,
}

# --- Wagtail (per-store storefront pages) ------------------------------------------------------


def _served_store_name() -> str:
    # Evaluated when a page or email is rendered (apps are loaded by then), not at start-up.
    from tenants.store_admin.branding import served_store_name

    return served_store_name()


# The name of the store being served, so that every admin page (dashboard, summaries, window
# title, Wagtail's emails) names the store, not the platform; "Mercato" on the platform host.
WAGTAIL_SITE_NAME = lazy(_served_store_name, str)()
# Staff sign in through allauth (email, password, then a TOTP code when they have one), never
# through Wagtail's username form: a two-factor store asks for the password once.
WAGTAILADMIN_LOGIN_URL = "account_login"
# No page asks an outside host for anything: no Gravatar avatars, no release check.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_BASE_URL = f"{PLATFORM_URL_SCHEME}://{PLATFORM_DOMAIN}"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]

# --- Email -------------------------------------------------------------------------------------

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", f"Mercato <no-reply@{PLATFORM_DOMAIN}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where merchants reach the platform's team (named on a suspended store's admin notice).
PLATFORM_SUPPORT_EMAIL = env_str("PLATFORM_SUPPORT_EMAIL", f"support@{PLATFORM_DOMAIN}")

# --- Payment and other provider keys (read here, used by each provider's adapter) --------------

STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
STRIPE_API_BASE = env_str("STRIPE_API_BASE")  # a local double in tests; empty means Stripe's own
# Stores' Stripe payments (payments/providers/stripe.py). A store pastes its own keys in the store
# admin, or connects its Stripe account with Stripe Connect (OAuth, standard accounts): the calls
# are then made with the platform's key above on behalf of the connected account.
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY")  # the platform's, for connected stores
STRIPE_CONNECT_CLIENT_ID = env_str("STRIPE_CONNECT_CLIENT_ID")  # ca_...: Connect's OAuth client
STRIPE_CONNECT_BASE = env_str("STRIPE_CONNECT_BASE")  # OAuth host; empty means connect.stripe.com
# The signing secret of the platform's Connect webhook endpoint (events of connected accounts).
STRIPE_CONNECT_WEBHOOK_SECRET = env_str("STRIPE_CONNECT_WEBHOOK_SECRET")
# Stripe.js, loaded by the pay page. The storefront sends no Content-Security-Policy today; one
# added later must allow what payments.providers.stripe.StripeProvider.csp_sources() lists.
STRIPE_JS_URL = env_str("STRIPE_JS_URL", "https://js.stripe.com/v3/")
STRIPE_TIMEOUT_SECONDS = float(env_str("STRIPE_TIMEOUT_SECONDS", "20"))
STRIPE_MAX_NETWORK_RETRIES = env_int("STRIPE_MAX_NETWORK_RETRIES", 2)
# PayPal's REST API (Orders v2): live by default; the sandbox is https://api-m.sandbox.paypal.com,
# tests point it at a local double. A call waits PAYPAL_TIMEOUT seconds at most.
PAYPAL_API_BASE = env_str("PAYPAL_API_BASE", "https://api-m.paypal.com")
PAYPAL_TIMEOUT = env_int("PAYPAL_TIMEOUT", 10)

# Stores' payment credentials (payments.credentials): comma-separated Fernet keys, the first
# encrypts, all decrypt (rotation). Empty with DEBUG: a key derived from SECRET_KEY.
MERCATO_ENCRYPTION_KEYS = env_str("MERCATO_ENCRYPTION_KEYS")
# Decided once from DEBUG as started (the test runner's later DEBUG=False keeps it).
MERCATO_ENCRYPTION_DEVELOPMENT_KEY = DEBUG
# A payment still pending this long is asked about at its provider (payments.tasks).
PAYMENTS_RECONCILE_AFTER_MINUTES = env_int("PAYMENTS_RECONCILE_AFTER_MINUTES", 15)
# An order to be paid online and still unpaid this many hours after it was placed is cancelled by
# reconciliation (its stock released), once its provider confirms nothing was paid.
PAYMENTS_UNPAID_ORDER_HOURS = env_int("PAYMENTS_UNPAID_ORDER_HOURS", 2)
# Coinbase Business (Checkouts API) and BitPay (invoices): each store's own keys are its
# credentials; these say where the APIs are (tests: local doubles) and how long a call waits.
COINBASE_API_BASE = env_str("COINBASE_API_BASE", "https://business.coinbase.com")
COINBASE_TIMEOUT = env_int("COINBASE_TIMEOUT", 10)
BITPAY_API_BASE = env_str("BITPAY_API_BASE", "https://bitpay.com")
BITPAY_TIMEOUT = env_int("BITPAY_TIMEOUT", 10)

# --- Internationalisation ----------------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Security: secure by default whenever DEBUG is off -----------------------------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# Under /api/ a CSRF refusal answers in the API's JSON error shape (config.api_error_pages).
CSRF_FAILURE_VIEW = "config.api_error_pages.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
# Wagtail's live preview frames the store's own pages in its admin, so same-origin framing must
# stay allowed; every other origin is refused.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]
CSRF_TRUSTED_ORIGINS = [
    f"{PLATFORM_URL_SCHEME}://{PLATFORM_DOMAIN}",
    f"{PLATFORM_URL_SCHEME}://*.{PLATFORM_DOMAIN}",
    *(
        [
            f"{PLATFORM_URL_SCHEME}://{PLATFORM_DOMAIN}:{PLATFORM_URL_PORT}",
            f"{PLATFORM_URL_SCHEME}://*.{PLATFORM_DOMAIN}:{PLATFORM_URL_PORT}",
        ]
        if PLATFORM_URL_PORT
        else []
    ),
]

# --- Logging: JSON in production, readable in development; store, request id and client IP ----

LOG_FORMAT = env_str("LOG_FORMAT", "console" if DEBUG else "json")
LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "config.logging.RequestContextFilter"}},
    "formatters": {
        "console": {
            "format": (
                "%(asctime)s %(levelname)-7s [%(schema)s %(request_id)s %(client_ip)s] %(name)s: "
                "%(message)s"
            )
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": (
                "%(asctime)s %(levelname)s %(name)s %(message)s %(schema)s %(request_id)s "
                "%(client_ip)s"
            ),
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "default": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["default"], "level": LOG_LEVEL},
    "loggers": {
        # Replaces Django's own console handler, so each line is written once, in our format.
        "django": {"handlers": ["default"], "level": LOG_LEVEL, "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "django.server": {"handlers": ["default"], "level": LOG_LEVEL, "propagate": False},
        "django_tasks": {"level": "WARNING"},
        # Request bodies never reach the logs; only method, path and status.
        "django.request": {"level": "WARNING"},
    },
}

# --- Observability: metrics, errors, traces (docs/readme/prod-ops.md) ---------------------------

# /metrics on the platform's host (observability.views): Prometheus sends
# "Authorization: Bearer <METRICS_TOKEN>", or scrapes from an address in METRICS_ALLOWED_NETWORKS
# (comma-separated CIDRs). Neither set: /metrics is not served.
METRICS_TOKEN = env_str("METRICS_TOKEN")
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS")
# django-prometheus would ask every database alias for unapplied migrations at start-up; with a
# schema per store that answer means nothing (migrate_pending reports it properly).
PROMETHEUS_EXPORT_MIGRATIONS = False

SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    from observability import sentry

    sentry.init(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "development" if DEBUG else "production"),
        release=env_str("SENTRY_RELEASE"),
        sample_rate=float(env_str("SENTRY_SAMPLE_RATE", "1.0")),
        traces_sample_rate=float(env_str("SENTRY_TRACES_SAMPLE_RATE", "0.0")),
    )
