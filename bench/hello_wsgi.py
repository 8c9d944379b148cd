"""The portal's WSGI application with two hello-world baselines, for bench/bench_load.py only (never deployed).

    /__hello          answered here, before Django: the cost of gunicorn and the socket alone
    /__hello_django   a one-line Django view behind the portal's whole middleware stack (sessions, locale, CSRF,
                      security headers, request log…): the floor of any portal page
    anything else     portal.wsgi.application, unchanged

The second one is routed through ``request.urlconf`` (honoured by Django's request handler), so the portal's
URLconf gains no public URL.
"""

from django.http import HttpResponse
from django.urls import path

from portal.wsgi import application as portal_application

HELLO = b"Hello, world\n"


def hello(request):
    return HttpResponse("Hello, world\n", content_type="text/plain; charset=utf-8")


urlpatterns = [path("__hello_django", hello)]


class _Handler(type(portal_application)):
    def get_response(self, request):
        if request.path_info == "/__hello_django":
            request.urlconf = __name__
        return super().get_response(request)


_django = _Handler()


def application(environ, start_response):
    path_info = environ.get("PATH_INFO", "")
    if path_info == "/__hello":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(HELLO)))])
        return [HELLO]
    if path_info == "/__hello_django":
        return _django(environ, start_response)
    return portal_application(environ, start_response)
