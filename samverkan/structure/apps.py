from django.apps import AppConfig


class StructureConfig(AppConfig):
    name = "samverkan.structure"
    label = "structure"
