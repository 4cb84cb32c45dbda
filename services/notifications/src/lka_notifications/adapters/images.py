"""Images drawn again without their metadata (Pillow): EXIF (GPS coordinates, the camera, the
time), XMP, comments and colour profiles never reach the supplier's staff or the database.

The orientation the EXIF asked for is applied to the pixels first, so a photo taken on its
side still stands upright once its EXIF is gone. An image larger than `MAX_PIXELS` is refused
before its pixels are decoded: a small file can unpack into gigabytes (a decompression bomb).
"""

from __future__ import annotations

from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

from lka_notifications.domain.attachments import ContentType
from lka_notifications.domain.errors import UnsupportedAttachment

# 40 megapixels: any phone camera's photo, and at most ~160 MB of pixels for a moment.
MAX_PIXELS = 40_000_000
_FORMATS: dict[ContentType, str] = {"image/jpeg": "JPEG", "image/png": "PNG"}
# Modes each format can be written in; anything else is converted first.
_MODES = {"JPEG": ("L", "RGB", "CMYK"), "PNG": ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16")}


def without_metadata(content: bytes, content_type: ContentType) -> bytes:
    """The image drawn again from its pixels alone, in the format it came in."""
    image_format = _FORMATS[content_type]
    try:
        with Image.open(BytesIO(content), formats=[image_format]) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise UnsupportedAttachment
            upright = ImageOps.exif_transpose(image)
            clean = Image.new(upright.mode, upright.size)
            clean.paste(upright)
            if upright.mode == "P":
                palette = upright.getpalette()
                if palette is not None:
                    clean.putpalette(palette)
                if "transparency" in upright.info:
                    clean.info["transparency"] = upright.info["transparency"]
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise UnsupportedAttachment from exc
    if clean.mode not in _MODES[image_format]:
        clean = clean.convert("RGBA" if image_format == "PNG" else "RGB")
    out = BytesIO()
    if image_format == "JPEG":
        clean.save(out, "JPEG", quality=90)
    else:
        clean.save(out, "PNG", optimize=False)
    return out.getvalue()
