import {
  BinaryBitmap,
  DataMatrixReader,
  DecodeHintType,
  HybridBinarizer,
  RGBLuminanceSource,
} from '@zxing/library';
import type { PNG } from 'pngjs';

/**
 * The Data Matrix in a decoded PNG (ZXing's pure-JS port: no WebAssembly, no
 * network), or undefined. Transparent pixels count as paper: bwip-js leaves
 * the background transparent, which would otherwise read as black.
 */
export function readDataMatrix(png: PNG): string | undefined {
  const luminance = new Uint8ClampedArray(png.width * png.height);
  for (let i = 0; i < luminance.length; i++) {
    const [r, g, b, a] = [0, 1, 2, 3].map((k) => png.data[i * 4 + k] ?? 0) as [
      number,
      number,
      number,
      number,
    ];
    const y = (r * 299 + g * 587 + b * 114) / 1000;
    luminance[i] = Math.round((y * a + 255 * (255 - a)) / 255);
  }
  const bitmap = () =>
    new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(luminance, png.width, png.height)));
  // A generated image is a pure barcode (fast, exact); a photo or scan needs the detector.
  for (const hints of [new Map([[DecodeHintType.PURE_BARCODE, true]]), undefined]) {
    try {
      return new DataMatrixReader().decode(bitmap(), hints).getText();
    } catch {
      // NotFound / Checksum / Format: try the next way, then give up.
    }
  }
  return undefined;
}
