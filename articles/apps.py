from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"

    def ready(self):
        from articles import checks, signals  # noqa: F401  (registers them)

        post_migrate.connect(_restore_search_triggers, sender=self)


def _restore_search_triggers(using, **kwargs):
    from articles.search_index import restore_sqlite_triggers

    restore_sqlite_triggers(using)
