from django.urls import path
from django.views.decorators.http import require_safe

from samverkan.lib.methods import allowed_methods
from samverkan.opendata.api import api, method_refused

# The API only reads: GET, and HEAD for its headers (lib.methods answers a HEAD of ninja's endpoints as their
# GET). ninja's own pages (its root, which our System object
# shadows at /api/, and /api/openapi.json) say no methods, so they are given the same. A method refused is
# answered in JSON like the API's other errors (an unknown address too: portal.views.page_not_found).
_patterns, _app, _namespace = api.urls
for _pattern in _patterns:
    if _pattern.callback is None:
        continue
    if allowed_methods(_pattern.callback) is None:
        _pattern.callback = require_safe(_pattern.callback)
    _pattern.callback.refuse_method = method_refused  # type: ignore[attr-defined]  # a function takes attributes

urlpatterns = [path("api/", (_patterns, _app, _namespace))]
