"""A QR code drawn by `segno` as a standalone SVG document: a staff member's TOTP enrolment URI
(identity), an SBP payment link (payments).

Black on white with the standard quiet zone, whatever the page's colours, so phone cameras read it;
the web app shows it as an image (an SVG in `<img>` runs no script), the text beside it.
"""

from __future__ import annotations

import io

import segno


def qr_svg(text: str) -> str:
    image = io.BytesIO()
    segno.make(text, error="m").save(
        image, kind="svg", xmldecl=False, scale=5, border=4, dark="#000", light="#fff", svgclass=None, lineclass=None
    )
    return image.getvalue().decode()
