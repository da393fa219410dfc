"""Renditions, served by the app where no web server is in front of it (`make run`, `make dev`).

Only renditions: each is a resized copy with its metadata removed (uploads/metadata.py) under a
random name (uploads/storage.py). Original images are never served by any route, and documents
only through Wagtail's view, which checks private collections first (uploads/sendfile.py).
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.static import serve

from .storage import RENDITIONS_FOLDER

# A rendition's name is made once and never given to another file.
RENDITION_MAX_AGE = 7 * 24 * 3600


def rendition(request: HttpRequest, name: str) -> HttpResponse:
    response = serve(request, name, document_root=settings.MEDIA_ROOT / RENDITIONS_FOLDER)
    response["Cache-Control"] = f"public, max-age={RENDITION_MAX_AGE}"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
