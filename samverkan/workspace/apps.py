from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The signed-in user's workspace: the dashboard, role management and the context every page gets."""

    name = "samverkan.workspace"
    label = "workspace"
