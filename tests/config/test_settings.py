"""Settings come from the environment; production values pass Django's deployment checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(code_or_args: list[str], **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, *code_or_args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _service_env() -> dict[str, str]:
    from django.conf import settings

    # The running services, so the child process does not need to find or start them.
    return {"DATABASE_URL": settings.DATABASE_URL, "REDIS_URL": settings.REDIS_URL}


def test_standard_library_platform_module_is_not_shadowed():
    result = _run(["-c", "import platform; print(platform.system())"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Linux"
    result = _run(
        [
            "-c",
            "import sourceroot; sourceroot.activate(); import platform, config; "
            "print(platform.system())",
        ]
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Linux"


def test_secret_key_is_required_when_debug_is_off():
    result = _run(["manage.py", "check"], DEBUG="0", **_service_env())
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize(
    "weak_key",
    [
        "short-but-random-Zq8vT2",
        "django-insecure-" + "k3j4h5g6f7d8s9a0" * 3,  # startproject's, however long
        "changeme",
        "insecure-key-for-tests-only",  # the test suite's
        "ab" * 30,
    ],
)
def test_a_weak_secret_key_is_refused_when_debug_is_off(weak_key):
    result = _run(["manage.py", "check"], DEBUG="0", SECRET_KEY=weak_key, **_service_env())
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1  # one line, no traceback
    assert result.stderr.startswith("mercato: SECRET_KEY ")
    assert "50+ random characters" in result.stderr


def test_a_short_secret_key_is_fine_in_development():
    result = _run(["manage.py", "check"], DEBUG="1", SECRET_KEY="dev", **_service_env())
    assert result.returncode == 0, result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(48)[:50],
        PLATFORM_DOMAIN="mercato.example.com",
        **_service_env(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
