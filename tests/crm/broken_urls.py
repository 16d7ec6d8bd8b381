"""The site's URLs plus views that fail the way an unforeseen bug does (for tests/crm/test_server_errors.py)."""

from django.http import HttpResponse
from django.urls import path
from rest_framework.decorators import api_view

from crm.urls import handler500, urlpatterns

__all__ = ["handler500", "urlpatterns"]


def _fail(request):
    raise ValueError("secret-detail-of-the-bug")


def _page(request):
    _fail(request)
    return HttpResponse()


@api_view(["GET", "POST"])
def _api(request):
    _fail(request)


urlpatterns = [
    path("api/v1/broken/", _api),
    path("api/v1/broken-plain/", _page),
    path("broken/", _page),
    *urlpatterns,
]
