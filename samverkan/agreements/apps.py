from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "samverkan.agreements"
    verbose_name = _("Överenskommelser")

    def ready(self):
        from samverkan.agreements.reminders import queue_reminders
        from samverkan.followthrough.reminders import reminder_pass

        reminder_pass.connect(queue_reminders, dispatch_uid="agreements.queue_reminders")
