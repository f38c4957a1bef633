from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "samverkan.surveys"
    verbose_name = _("Enkäter")

    def ready(self):
        from samverkan.followthrough.reminders import reminder_pass
        from samverkan.surveys.mail import requeue_pass

        reminder_pass.connect(requeue_pass, dispatch_uid="surveys.requeue_pass")
