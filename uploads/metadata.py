"""Renditions carry no camera metadata: a phone photo's EXIF holds where and when it was taken
(GPS included) and the device; XMP and comments can hold the same. Willow copies EXIF into every
rendition it saves, so the first step of every rendition (turning the image upright, which is the
last use of its orientation tag) drops it all. Colour profiles stay: they change how it looks.

Originals keep their metadata, as uploaded: they are never served (uploads/serving.py).
"""

from willow.plugins.pillow import PillowImage
from willow.registry import registry

METADATA_KEYS = ("exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop")


def upright_without_metadata(image: PillowImage) -> PillowImage:
    upright = PillowImage.auto_orient(image).image
    for key in METADATA_KEYS:
        upright.info.pop(key, None)
    return PillowImage(upright)


def strip_from_renditions() -> None:
    """Wagtail starts every rendition with Willow's `auto_orient`, found through Willow's registry
    of operations; registering ours for Pillow images puts it in that place."""
    registry.register_operation(PillowImage, "auto_orient", upright_without_metadata)
