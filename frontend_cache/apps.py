from django.apps import AppConfig


class FrontendCacheConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "frontend_cache"
    verbose_name = "HTTP cache"

    def ready(self):
        from frontend_cache import checks, signals  # noqa: F401  (registers them)
