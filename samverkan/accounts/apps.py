from django.apps import AppConfig, apps


class AccountsConfig(AppConfig):
    name = "samverkan.accounts"
    label = "accounts"

    def ready(self) -> None:
        from samverkan.accounts import checks  # noqa: F401  (registers the system checks)
        from samverkan.lib.choices import install

        # Every model is loaded by now: each field's get_FOO_display reads its choices as a dict made once.
        install(apps.get_models(include_auto_created=True))
