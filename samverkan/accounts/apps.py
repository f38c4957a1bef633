from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "samverkan.accounts"
    label = "accounts"

    def ready(self) -> None:
        from samverkan.accounts import checks  # noqa: F401  (registers the system checks)
