"""Media storage that names files itself: a slug of the original name plus a random part.

An uploaded name never reaches the file system as typed, so it cannot hide a path, a second
extension or a clash with another file; the slug keeps downloads recognisable to patients.
"""

import os
import re
import secrets

from django.core.files.storage import FileSystemStorage
from django.utils.text import slugify

SAFE_EXTENSION = re.compile(r"\.[a-z0-9]{1,8}")


def server_file_name(uploaded_name: str) -> str:
    stem, extension = os.path.splitext(os.path.basename(uploaded_name))
    extension = extension.lower() if SAFE_EXTENSION.fullmatch(extension.lower()) else ""
    return f"{slugify(stem)[:40] or 'file'}-{secrets.token_hex(4)}{extension}"


class ServerNamedStorage(FileSystemStorage):
    def generate_filename(self, filename: str) -> str:
        folder = os.path.dirname(filename)
        return os.path.join(folder, server_file_name(filename)) if folder else server_file_name(filename)
