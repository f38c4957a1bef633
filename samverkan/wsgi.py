"""WSGI entry point for gunicorn: `gunicorn samverkan.wsgi`.

gunicorn runs no system checks, so the one that matters most is run here: outside DEBUG the server refuses to
start on the development SECRET_KEY (`samverkan.accounts.checks`). Then the loaded process settles
(`samverkan.lib.process.settle`): its URL patterns and base template loaded, everything alive frozen out of the
garbage collector's full collections.
"""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.settings")
application = get_wsgi_application()

from samverkan.accounts.checks import secret_key_errors  # noqa: E402  (needs the apps loaded above)

for error in secret_key_errors():
    raise ImproperlyConfigured(f"{error.msg}\n{error.hint}")

from samverkan.lib.process import settle  # noqa: E402  (as above)

settle()  # the loaded code out of the collector's way (lib/process.py)
