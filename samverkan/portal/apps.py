from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "samverkan.portal"
    label = "portal"

    def ready(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created

        from samverkan.portal.page_cache import install_write_watch

        connection_created.connect(install_write_watch, dispatch_uid="page_cache_write_watch")
        for connection in connections.all(initialized_only=True):
            install_write_watch(connection=connection)
