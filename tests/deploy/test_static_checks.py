"""deploy/ checked without a cloud: Terraform's own formatter, checkov's static scan of the
Terraform and the Dockerfile, and hadolint. The tools live in .venv-tools (`make tools`, run by
`make test`); they are skipped, saying so, only when that venv was not made.

`terraform validate`/`plan` need the AWS provider, which cannot be downloaded here: not run.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / ".venv-tools" / "bin"
DEPLOY = ROOT / "deploy"


def _tool(name: str) -> Path:
    path = TOOLS / name
    if not path.exists():
        pytest.skip(f"{path} is missing: run `make tools` (deploy/tools/requirements.txt)")
    return path


def test_terraform_is_formatted():
    python = _tool("python")
    result = subprocess.run(
        [python, DEPLOY / "tools" / "terraform_fmt.py", DEPLOY / "terraform"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def checkov_report() -> dict[str, dict]:
    """One checkov run over deploy/ (Terraform and the Dockerfile): its JSON report by framework."""
    checkov = _tool("checkov")
    frameworks = ["--framework", "terraform", "dockerfile"]
    options = ["--output", "json", "--quiet", "--compact", "--skip-download"]
    result = subprocess.run(
        [checkov, "--directory", DEPLOY, *frameworks, *options],
        capture_output=True,
        text=True,
        timeout=480,
    )
    report = json.loads(result.stdout)
    reports = report if isinstance(report, list) else [report]
    return {item["check_type"]: item for item in reports}


@pytest.mark.parametrize("framework", ["terraform", "dockerfile"])
def test_checkov_finds_nothing_unexplained(checkov_report, framework):
    # A finding is fixed or skipped inline with its reason (#checkov:skip=CKV_...:why); a skip
    # without a reason would still pass here, so the next test reads the reasons.
    report = checkov_report[framework]
    failed = [
        f"{check['check_id']} {check['resource']} ({check['file_path']}): {check['check_name']}"
        for check in report["results"]["failed_checks"]
    ]
    assert report["summary"]["parsing_errors"] == 0
    assert report["summary"]["passed"] > 0
    assert failed == []


def test_every_checkov_skip_says_why():
    skips = []
    for path in [*sorted((DEPLOY / "terraform").rglob("*.tf")), DEPLOY / "Dockerfile"]:
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if "checkov:skip=" in line:
                check, _, reason = line.split("checkov:skip=", 1)[1].partition(":")
                skips.append((f"{path.relative_to(ROOT)}:{number}", check, reason.strip()))
    assert skips, "expected the documented skips"
    unexplained = [where for where, _, reason in skips if len(reason) < 20]
    assert unexplained == []


def test_dockerfile_passes_hadolint():
    hadolint = _tool("hadolint")
    result = subprocess.run(
        [hadolint, DEPLOY / "Dockerfile"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_configuration_secret_has_a_secrets_manager_entry():
    # The README's Configuration table names the secrets; each reaches the tasks from Secrets
    # Manager (generated or set by the operator), none as a plain environment value.
    root = (DEPLOY / "terraform" / "environments" / "production" / "main.tf").read_text()
    secrets_block = root.split('module "secrets"', 1)[1].split("\n}\n", 1)[0]
    environment_block = root.split("environment = {", 1)[1].split("\n  }\n", 1)[0]
    for name in (
        "DATABASE_URL",
        "REDIS_URL",
        "ELASTICSEARCH_URL",
        "SECRET_KEY",
        "EMAIL_HOST_PASSWORD",
        "STRIPE_SECRET_KEY",
        "STRIPE_WEBHOOK_SECRET",
        "MERCATO_ENCRYPTION_KEYS",
    ):
        assert name in secrets_block, name
        assert f"{name} " not in environment_block, name


def test_the_image_command_and_the_task_definitions_use_the_gunicorn_config():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    service = (DEPLOY / "terraform" / "modules" / "service" / "main.tf").read_text()
    assert '"--config", "deploy/gunicorn.conf.py", "sourceroot:wsgi_application"' in dockerfile
    assert '"--config", "deploy/gunicorn.conf.py", "sourceroot:wsgi_application"' in service
    assert sys.version_info >= (3, 11)  # the image's Python (python:3.11-slim)


def test_every_process_has_a_writable_prometheus_multiprocess_directory():
    # Set before Python starts (prometheus_client reads it at import), on a mount of its own:
    # the tasks' root filesystem is read-only.
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "PROMETHEUS_MULTIPROC_DIR=/run/prometheus" in dockerfile
    assert 'VOLUME ["/tmp", "/run/prometheus"]' in dockerfile
    assert "chown 10001:10001 /run/prometheus" in dockerfile

    service = (DEPLOY / "terraform" / "modules" / "service" / "main.tf").read_text()
    assert 'prometheus_multiproc_dir = "/run/prometheus"' in service
    variable = '{ name = "PROMETHEUS_MULTIPROC_DIR", value = local.prometheus_multiproc_dir }'
    assert variable in service
    assert 'volume {\n    name = "prometheus"\n  }' in service
    assert (
        '{ sourceVolume = "prometheus", containerPath = local.prometheus_multiproc_dir' in service
    )

    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    for name in ("web", "worker"):
        process = compose["services"][name]
        assert process["environment"]["PROMETHEUS_MULTIPROC_DIR"] == "/run/prometheus"
        assert process["tmpfs"] == ["/run/prometheus:uid=10001,gid=10001,mode=0700"]


def test_the_search_cluster_is_elasticsearch_on_elastic_cloud():
    # The app's elasticsearch 8 client refuses Amazon OpenSearch (product check): the cluster is
    # an Elastic Cloud deployment, its provider pinned, its API key never in the variables file.
    terraform = DEPLOY / "terraform"
    sources = "\n".join(path.read_text() for path in sorted(terraform.rglob("*.tf")))
    assert "aws_opensearch_domain" not in sources
    search = (terraform / "modules" / "search" / "main.tf").read_text()
    assert 'resource "ec_deployment" "this"' in search
    assert "traffic_filter = [ec_deployment_traffic_filter.this.id]" in search
    production = terraform / "environments" / "production"
    versions = (production / "versions.tf").read_text()
    assert 'source  = "elastic/ec"\n      version = "~> 0.12.0"' in versions
    assert "ELASTICSEARCH_URL       = module.search.url" in (production / "main.tf").read_text()
    assert "apikey = var.ec_api_key" in (production / "main.tf").read_text()
    assert "ec_api_key" not in (production / "terraform.tfvars.example").read_text()
