"""How Wagtail's document view sends a file once it has checked who may have it (a private
collection's password or sign-in, hooks): the `SENDFILE_BACKEND` it calls.

With `MEDIA_X_ACCEL_PREFIX` set, the web server in front sends the file: the app answers with an
X-Accel-Redirect to an internal location of nginx that maps onto the media folder (deploy/nginx.conf),
so no worker is held by a slow download. Without it, the app streams the file itself.
"""

import os
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from wagtail.utils import sendfile_streaming_backend


class XAccelRedirect(HttpResponse):
    """An empty answer naming the file nginx is to send in its place. Its length is its own (none):
    the file's length on an empty body would break the connection to nginx; nginx sends the file's."""

    def __init__(self, internal_url: str, content_type: str):
        super().__init__(content_type=content_type)
        self["X-Accel-Redirect"] = internal_url

    def __setitem__(self, header: str, value) -> None:
        if header.lower() != "content-length":
            super().__setitem__(header, value)


def sendfile(request: HttpRequest, filename: str, mimetype: str = "application/octet-stream", **kwargs) -> HttpResponse:
    prefix = settings.MEDIA_X_ACCEL_PREFIX
    if not prefix:
        return sendfile_streaming_backend.sendfile(request, filename, mimetype=mimetype, **kwargs)
    relative = os.path.relpath(filename, settings.MEDIA_ROOT)
    return XAccelRedirect(prefix.rstrip("/") + "/" + quote(relative), mimetype)
