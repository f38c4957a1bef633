from django.urls import path
from django.views.decorators.http import require_GET

from samverkan.lib.methods import allowed_methods
from samverkan.opendata.api import api

# The API only reads, with GET as ninja's endpoints take it. ninja's own pages (its root, which our System object
# shadows at /api/, and /api/openapi.json) say no methods, so they are given the same.
_patterns, _app, _namespace = api.urls
for _pattern in _patterns:
    if _pattern.callback is not None and allowed_methods(_pattern.callback) is None:
        _pattern.callback = require_GET(_pattern.callback)

urlpatterns = [path("api/", (_patterns, _app, _namespace))]
