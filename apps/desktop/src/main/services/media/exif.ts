// Just enough of EXIF to read a JPEG's orientation and to tell whether GPS data is present. ffmpeg (4.x)
// ignores EXIF orientation, so photos would come out sideways without this. Never writes EXIF.

export interface JpegExifInfo {
  /** EXIF Orientation 1-8, or 1 when absent. */
  orientation: number;
  hasExif: boolean;
  hasGps: boolean;
}

const GPS_IFD_TAG = 0x8825;
const ORIENTATION_TAG = 0x0112;

function readIfd0(tiff: Buffer): { orientation: number; hasGps: boolean } {
  const little = tiff.toString('latin1', 0, 2) === 'II';
  if (!little && tiff.toString('latin1', 0, 2) !== 'MM') return { orientation: 1, hasGps: false };
  const u16 = (o: number) => (little ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (little ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return { orientation: 1, hasGps: false };
  const count = u16(ifd);
  let orientation = 1;
  let hasGps = false;
  for (let i = 0; i < count; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > tiff.length) break;
    const tag = u16(e);
    if (tag === ORIENTATION_TAG) orientation = u16(e + 8);
    if (tag === GPS_IFD_TAG) hasGps = true;
  }
  return { orientation: orientation >= 1 && orientation <= 8 ? orientation : 1, hasGps };
}

export function readJpegExif(buf: Buffer): JpegExifInfo {
  const none: JpegExifInfo = { orientation: 1, hasExif: false, hasGps: false };
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return none;
  let off = 2;
  while (off + 4 <= buf.length) {
    if (buf[off] !== 0xff) return none;
    const marker = buf[off + 1] ?? 0;
    if (marker === 0xda || marker === 0xd9) return none; // start of scan / end: no more metadata segments
    const len = buf.readUInt16BE(off + 2);
    if (marker === 0xe1 && buf.toString('latin1', off + 4, off + 10) === 'Exif\0\0') {
      const tiff = buf.subarray(off + 10, off + 2 + len);
      try {
        return { ...readIfd0(tiff), hasExif: true };
      } catch {
        return { orientation: 1, hasExif: true, hasGps: false };
      }
    }
    off += 2 + len;
  }
  return none;
}

/** ffmpeg filters that turn a picture stored with EXIF `orientation` into its upright form. */
export function orientationFilter(orientation: number): string | null {
  switch (orientation) {
    case 2: return 'hflip';
    case 3: return 'hflip,vflip';
    case 4: return 'vflip';
    case 5: return 'transpose=0';
    case 6: return 'transpose=1';
    case 7: return 'transpose=3';
    case 8: return 'transpose=2';
    default: return null;
  }
}

/** Orientations 5-8 swap width and height. */
export function orientationSwapsAxes(orientation: number): boolean {
  return orientation >= 5 && orientation <= 8;
}
