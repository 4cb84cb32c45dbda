/** A QR code the API sends as an SVG document, shown as an image: the page's CSP allows `data:`
 * images (`img-src 'self' data:`), and an SVG in `<img>` runs no script and loads nothing. */
export function qrImageSource(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
