from django.apps import AppConfig


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "samverkan.search"
    verbose_name = "Sök"

    def ready(self) -> None:
        from samverkan.search import signals

        signals.connect()
