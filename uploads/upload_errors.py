"""If media storage is full or read-only, an editor's upload gets a clear message, not a 500.

The file is written before its database row (Django saves files in the model's pre_save), so a
failed write leaves no record pointing at a missing file.
"""

import errno
import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)
STORAGE_ERRORS = {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EDQUOT, errno.EIO}


class UploadStorageErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.method != "POST" or not isinstance(exception, OSError) or exception.errno not in STORAGE_ERRORS:
            return None
        logger.error("Media storage refused a write: %s", exception.strerror)
        response = render(request, "storage_error.html", status=507)
        response["Cache-Control"] = "no-store"
        return response
