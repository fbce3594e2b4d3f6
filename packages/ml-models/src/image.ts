// The decoded-image type every scorer takes: tightly packed 8-bit RGB, row-major. Decoding (ffmpeg, etc.)
// happens in the app; this package never touches files or codecs.
export interface RgbImage {
  width: number;
  height: number;
  /** width * height * 3 bytes, R G B per pixel, rows top to bottom. */
  data: Uint8Array;
}

export class InvalidImageError extends Error {
  readonly code = 'INVALID_IMAGE';
}

export function assertRgbImage(img: RgbImage, what = 'image'): void {
  if (!Number.isInteger(img.width) || !Number.isInteger(img.height) || img.width < 1 || img.height < 1) {
    throw new InvalidImageError(`${what}: width and height must be positive integers (got ${img.width}x${img.height})`);
  }
  if (img.data.length !== img.width * img.height * 3) {
    throw new InvalidImageError(
      `${what}: expected ${img.width * img.height * 3} RGB bytes for ${img.width}x${img.height}, got ${img.data.length}`,
    );
  }
}
