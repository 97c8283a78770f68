"""Django settings for the backend container, read from the environment.

Secrets come from files (Compose secrets under /run/secrets/): a variable
named NAME_FILE contains the path of the file whose content is NAME.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_secret(name: str) -> str:
    """Return the secret NAME from the file named by NAME_FILE, or from NAME itself."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE names {path}, which cannot be read: {error}") from error
    return os.environ.get(name, "")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Empty when no secret is given; Django then refuses to serve requests, but
# commands that need no key, such as collectstatic during the image build, work.
SECRET_KEY = env_secret("DJANGO_SECRET_KEY")
DEBUG = os.environ.get("DJANGO_DEBUG", "0").lower() in {"1", "true", "yes"}

# The stack serves plain HTTP, so the HTTPS-only settings stay off, and
# `manage.py check --deploy` lists exactly their four warnings: security.W004
# (HSTS), W008 (SSL redirect), W012 and W016 (secure cookies). docs/security.md
# lists what to set once HTTPS is in front.

# The largest request body Django reads, as nginx's client_max_body_size.
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024

# Host names without ports. The container's own healthcheck calls 127.0.0.1.
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

# Origins other than the page's own (scheme, host and port) that may send
# unsafe requests, such as a development server on another port. Empty by
# default: the app and its API share one origin behind nginx.
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "health",
    "todos",
]

MIDDLEWARE = [
    "config.middleware.BackendHostnameMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Serves the collected static files (the admin's CSS) with DEBUG off.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.mysql",
        "HOST": os.environ.get("DATABASE_HOST", "db"),
        "PORT": os.environ.get("DATABASE_PORT", "3306"),
        "NAME": os.environ.get("DATABASE_NAME", "workshop"),
        "USER": os.environ.get("DATABASE_USER", "workshop"),
        "PASSWORD": env_secret("DATABASE_PASSWORD"),
        "OPTIONS": {
            "charset": "utf8mb4",
            # Seconds; keeps the health endpoint quick when the server is gone.
            "connect_timeout": 3,
        },
        "TEST": {
            # The database user is granted this database by infra/mysql/initdb/.
            "NAME": "test_workshop",
            "CHARSET": "utf8mb4",
            "COLLATION": "utf8mb4_unicode_ci",
        },
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # The level is on the handler: records that propagate from Django's own
    # loggers (django.request) skip the root logger's level.
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
        }
    },
    "root": {"handlers": ["console"], "level": "DEBUG"},
}
