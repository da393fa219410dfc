"""Media storage that names files itself.

An uploaded name never reaches the file system as typed, so it cannot hide a path, a second
extension or a clash with another file. Documents and original images keep a slug of the
uploaded name (recognisable downloads) plus a random part. A rendition, the only kind of file
served straight from the media folder, is named at random: Wagtail would build its name from its
original's, telling anyone who sees it the name of the private file it came from.
"""

import os
import re
import secrets

from django.core.files.storage import FileSystemStorage
from django.utils.text import slugify

SAFE_EXTENSION = re.compile(r"\.[a-z0-9]{1,8}")
# Where Wagtail keeps renditions (AbstractRendition.get_upload_to).
RENDITIONS_FOLDER = "images"


def _extension(name: str) -> str:
    extension = os.path.splitext(name)[1].lower()
    return extension if SAFE_EXTENSION.fullmatch(extension) else ""


def server_file_name(uploaded_name: str) -> str:
    stem = os.path.splitext(os.path.basename(uploaded_name))[0]
    return f"{slugify(stem)[:40] or 'file'}-{secrets.token_hex(4)}{_extension(uploaded_name)}"


def rendition_file_name(generated_name: str) -> str:
    return f"{secrets.token_hex(12)}{_extension(generated_name)}"


class ServerNamedStorage(FileSystemStorage):
    def generate_filename(self, filename: str) -> str:
        folder = os.path.dirname(filename)
        if folder == RENDITIONS_FOLDER:
            return os.path.join(folder, rendition_file_name(filename))
        return os.path.join(folder, server_file_name(filename)) if folder else server_file_name(filename)
