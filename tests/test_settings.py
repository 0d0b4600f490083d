"""The settings module reads the environment and refuses to run with a known key."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent

PRINT_SETTINGS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], "
    "'name': str(settings.DATABASES['default']['NAME']), "
    "'cache': settings.CACHES['default']['BACKEND'], 'debug': settings.DEBUG, "
    "'hosts': settings.ALLOWED_HOSTS, 'media': str(settings.MEDIA_ROOT), "
    "'replicas': {a: settings.DATABASES[a]['HOST'] for a in settings.DATABASE_REPLICAS}, "
    "'page_cache': settings.API_PAGE_CACHE, "
    "'pages_backend': settings.CACHES['pages']['BACKEND'], "
    "'tasks': settings.TASKS['default']['BACKEND']}))"
)


def load_settings(code=PRINT_SETTINGS, **env):
    """Import the settings in a fresh interpreter with exactly the given variables."""
    clean_env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "REDIS_", "MEDIA_", "LOG_", "SENTRY_"))
    }
    clean_env |= {"DJANGO_SETTINGS_MODULE": "config.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = load_settings()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_defaults_are_sqlite_in_the_project_and_the_local_memory_cache():
    result = load_settings(DJANGO_DEBUG="1")
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(PROJECT / "db.sqlite3")
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["media"] == str(PROJECT / "media")
    assert values["debug"] is True


@pytest.mark.parametrize(
    ("env", "key", "expected"),
    [
        ({"DATABASE_URL": "postgres://cms@db.internal:5432/health"}, "engine",
         "django.db.backends.postgresql"),
        ({"DATABASE_URL": "postgres://cms@db.internal:5432/health"}, "name", "health"),
        ({"REDIS_URL": "redis://127.0.0.1:6379/1"}, "cache",
         "config.redis_cache.ReusedClientRedisCache"),
        ({"DJANGO_ALLOWED_HOSTS": "cms.example.org, api.example.org"}, "hosts",
         ["cms.example.org", "api.example.org"]),
        ({"MEDIA_ROOT": "/srv/media"}, "media", "/srv/media"),
        ({"DJANGO_DEBUG": "0"}, "debug", False),
        ({"DATABASE_REPLICA_URLS": "postgres://r@db-r1/health,postgres://r@db-r2/health"},
         "replicas", {"replica1": "db-r1", "replica2": "db-r2"}),
        ({}, "replicas", {}),
        ({}, "page_cache", True),
        ({"API_PAGE_CACHE": "0"}, "page_cache", False),
        ({"REDIS_URL": "redis://127.0.0.1:6379/1"}, "pages_backend",
         "django.core.cache.backends.locmem.LocMemCache"),
        ({}, "tasks", "articles.task_backend.ThreadBackend"),
        ({"TASKS_BACKEND": "database"}, "tasks", "django_tasks_db.DatabaseBackend"),
    ],
)  # fmt: skip
def test_values_come_from_the_environment(env, key, expected):
    result = load_settings(DJANGO_SECRET_KEY="a-real-key-from-the-environment", **env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[key] == expected


def production_example():
    lines = (PROJECT / ".env.production.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


def test_deploy_check_is_clean_with_the_production_example(tmp_path):
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "REDIS_", "MEDIA_", "LOG_", "SENTRY_"))
    }
    env |= production_example()
    env |= {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),  # as the example says to make one
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "REDIS_URL": "",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "key",
    [
        '"django-insecure-replace-me"',  # Docker's --env-file keeps the quotes
        " django-insecure-replace-me",
        "DJANGO-INSECURE-REPLACE-ME",
        "insecure-development-key-do-not-use-in-production",
    ],
)
def test_a_placeholder_key_in_any_dress_is_refused_at_startup(key):
    result = load_settings(DJANGO_SECRET_KEY=key)
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is a placeholder" in result.stderr


def test_the_placeholder_key_of_the_examples_is_refused_at_startup():
    result = load_settings(**production_example())
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is a placeholder" in result.stderr
    # The same kind of key is fine for development.
    development = load_settings(DJANGO_DEBUG="1", DJANGO_SECRET_KEY="django-insecure-dev")
    assert development.returncode == 0, development.stderr


PRINT_CLIENT_ADDRESS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'drf': settings.REST_FRAMEWORK['NUM_PROXIES'], "
    "'axes': settings.AXES_CLIENT_IP_CALLABLE}))"
)


@pytest.mark.parametrize(("value", "proxies"), [(None, 0), ("", 0), ("0", 0), ("2", 2)])
def test_trusted_proxies_come_from_one_variable_for_throttles_and_lockouts(value, proxies):
    env = {"DJANGO_DEBUG": "1"} | ({} if value is None else {"DJANGO_TRUSTED_PROXIES": value})
    result = load_settings(**env, code=PRINT_CLIENT_ADDRESS)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "drf": proxies,
        "axes": "config.client_address.client_address",
    }


@pytest.mark.parametrize("value", ["one", "-1", "1.5"])
def test_a_trusted_proxy_count_that_is_not_a_whole_number_is_refused(value):
    result = load_settings(DJANGO_DEBUG="1", DJANGO_TRUSTED_PROXIES=value)
    assert result.returncode != 0
    assert f"DJANGO_TRUSTED_PROXIES must be a whole number from 0, not '{value}'" in result.stderr


def test_https_settings_follow_one_variable():
    on = json.loads(
        subprocess.run(
            [sys.executable, "-c", PRINT_HTTPS],
            cwd=PROJECT,
            env={**os.environ, "DJANGO_DEBUG": "1", "DJANGO_HTTPS": "1"},
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
    )
    assert on == {"redirect": True, "hsts": 31536000, "cookies": True}
    off = json.loads(
        subprocess.run(
            [sys.executable, "-c", PRINT_HTTPS],
            cwd=PROJECT,
            env={**os.environ, "DJANGO_DEBUG": "1", "DJANGO_HTTPS": "0"},
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
    )
    assert off == {"redirect": False, "hsts": 0, "cookies": False}


PRINT_HTTPS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'redirect': settings.SECURE_SSL_REDIRECT, "
    "'hsts': settings.SECURE_HSTS_SECONDS, 'cookies': settings.SESSION_COOKIE_SECURE}))"
)


@pytest.mark.django_db
def test_admin_logins_are_locked_after_repeated_failures(settings, client):
    from tests.factories import UserFactory

    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="nora")
    for _ in range(3):
        response = client.post("/admin/login/", {"username": "nora", "password": "wrong"})
        assert response.status_code in (200, 429)
    locked = client.post(
        "/admin/login/", {"username": "nora", "password": "correct horse battery staple"}
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def run_manage(*args, **env):
    clean_env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "REDIS_", "MEDIA_", "HEALTHCMS_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=clean_env | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_commands_that_serve_nothing_run_without_a_secret_key():
    result = run_manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_the_development_server_refuses_to_start_without_a_secret_key():
    result = run_manage("runserver", "--noreload", "127.0.0.1:0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_a_command_without_a_configured_key_gets_a_key_nobody_knows():
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    keys = {run_manage("shell", "-v", "0", "-c", code).stdout.strip() for _ in range(2)}
    assert len(keys) == 2
    assert all(len(key) >= 50 for key in keys)
