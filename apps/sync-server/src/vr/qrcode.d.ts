// The part of the `qrcode` package the VR routes use (it ships no types).
declare module 'qrcode' {
  export function toBuffer(text: string, options?: { type?: 'png'; errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H'; margin?: number; width?: number }): Promise<Buffer>;
}
