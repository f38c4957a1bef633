"""The site's URLs plus the benchmark's floor view; used only under demo/bench_settings.py, never in production."""

from django.http import HttpResponse
from django.urls import path

from samverkan.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401

FLOOR_PATH = "__golv__/"


def floor(request):
    """The framework's floor: a short text through the full middleware stack and nothing else."""
    return HttpResponse("golv", content_type="text/plain; charset=utf-8")


urlpatterns = [path(FLOOR_PATH, floor, name="bench_floor"), *urlpatterns]
