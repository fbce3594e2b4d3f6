// Reads the first bytes of a file: enough to sniff a container or an image header (dimensions, EXIF)
// before anything is decoded, so a hostile or huge file is refused cheaply.
import { open } from 'node:fs/promises';

export async function readHead(path: string, bytes: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
