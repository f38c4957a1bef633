from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImporterConfig(AppConfig):
    name = "samverkan.importer"
    verbose_name = _("Import av protokoll")
