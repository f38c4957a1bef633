from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowthroughConfig(AppConfig):
    name = "samverkan.followthrough"
    verbose_name = _("Uppföljning av beslut")
