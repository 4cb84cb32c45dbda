"""Files for the appeals' tests (services/notifications, tests/e2e): a photo with GPS
coordinates and an orientation in its EXIF (made with Pillow), a small PDF, and an
executable's first bytes."""

from __future__ import annotations

from io import BytesIO

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def photo_with_gps(size: tuple[int, int] = (64, 32)) -> bytes:
    """A JPEG whose EXIF says where it was taken (Simferopol), by which camera, and that it
    must be turned 90° to stand upright (orientation 6)."""
    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[MAKE] = "Камера абонента"
    exif[ORIENTATION] = 6
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (44.0, 57.0, 7.0), 3: "E", 4: (34.0, 6.0, 6.0)})
    out = BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=95)
    return out.getvalue()


def small_pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def executable() -> bytes:
    """The first bytes of a Windows program (MZ), padded: what a «photo.jpg» may really be."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 512
