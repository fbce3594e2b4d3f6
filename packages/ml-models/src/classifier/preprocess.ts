// Image preprocessing identical to nsfwjs's `infer`: scale bytes to [0,1] in float32, then bilinear resize
// with align_corners=true (tfjs resizeBilinear semantics) to the model's square input, NHWC.
import { assertRgbImage, type RgbImage } from '../image.js';

/** Writes one preprocessed image into `out` (length >= size*size*3) at `offset`. */
export function preprocessInto(img: RgbImage, size: number, out: Float32Array, offset: number): void {
  assertRgbImage(img);
  const { width: w, height: h, data } = img;
  // tfjs divides in float32 before resizing; fround keeps our intermediate identical.
  const norm = (i: number): number => Math.fround(data[i]! / 255);
  if (w === size && h === size) {
    for (let i = 0; i < size * size * 3; i++) out[offset + i] = norm(i);
    return;
  }
  const rowRatio = size > 1 ? (h - 1) / (size - 1) : h / size;
  const colRatio = size > 1 ? (w - 1) / (size - 1) : w / size;
  let o = offset;
  for (let r = 0; r < size; r++) {
    const fr = rowRatio * r;
    const r0 = Math.max(0, Math.floor(fr));
    const rf = fr - r0;
    const r1 = Math.min(h - 1, Math.ceil(fr));
    for (let c = 0; c < size; c++) {
      const fc = colRatio * c;
      const c0 = Math.max(0, Math.floor(fc));
      const cf = fc - c0;
      const c1 = Math.min(w - 1, Math.ceil(fc));
      const tl = (r0 * w + c0) * 3;
      const tr = (r0 * w + c1) * 3;
      const bl = (r1 * w + c0) * 3;
      const br = (r1 * w + c1) * 3;
      for (let d = 0; d < 3; d++) {
        const a = norm(tl + d);
        const b = norm(tr + d);
        const top = a + (b - a) * cf;
        const cc = norm(bl + d);
        const dd = norm(br + d);
        const bottom = cc + (dd - cc) * cf;
        out[o++] = top + (bottom - top) * rf;
      }
    }
  }
}
