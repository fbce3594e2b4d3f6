// The same sharpness and noise measures as an ONNX graph (one Conv with the Laplacian and the Immerkaer
// kernels, then reductions), run by onnxruntime. Kept for the measured comparison with the plain TS
// version (bench/quality.bench.ts) and as a parity check of the two; the TS version is the default.
import * as ort from 'onnxruntime-node';
import { OnnxGraphBuilder } from '../onnx/graph-builder.js';

export function buildQualityGraph(): Uint8Array {
  const g = new OnnxGraphBuilder('quality_filters');
  g.input('luma', [1, 1, 'height', 'width']);
  const kernels = g.floatInitializer('kernels', [2, 1, 3, 3], [0, 1, 0, 1, -4, 1, 0, 1, 0, 1, -2, 1, -2, 4, -2, 1, -2, 1]);
  g.node('Conv', ['luma', kernels], 'filtered', { kernel_shape: [3, 3], pads: [0, 0, 0, 0] });
  // Channel 0: Laplacian -> mean and mean of squares; channel 1: Immerkaer -> mean absolute response.
  g.node('ReduceMean', ['filtered'], 'mean', { axes: [2, 3], keepdims: 0 });
  g.node('Mul', ['filtered', 'filtered'], 'squared');
  g.node('ReduceMean', ['squared'], 'mean_sq', { axes: [2, 3], keepdims: 0 });
  g.node('Abs', ['filtered'], 'absolute');
  g.node('ReduceMean', ['absolute'], 'mean_abs', { axes: [2, 3], keepdims: 0 });
  g.output('mean', [1, 2]);
  g.output('mean_sq', [1, 2]);
  g.output('mean_abs', [1, 2]);
  return g.encode({ opset: 13, producer: '@fanz/ml-models quality', producerVersion: '1', docString: 'Laplacian and Immerkaer noise filters' });
}

export class OnnxQualityFilters {
  private constructor(private readonly session: ort.InferenceSession) {}

  static async open(): Promise<OnnxQualityFilters> {
    return new OnnxQualityFilters(await ort.InferenceSession.create(buildQualityGraph()));
  }

  async sharpnessAndNoise(luma: Float32Array, width: number, height: number): Promise<{ sharpness: number; noise: number }> {
    if (width < 3 || height < 3) return { sharpness: 0, noise: 0 };
    const out = await this.session.run({ luma: new ort.Tensor('float32', luma, [1, 1, height, width]) });
    const mean = out.mean!.data as Float32Array;
    const meanSq = out.mean_sq!.data as Float32Array;
    const meanAbs = out.mean_abs!.data as Float32Array;
    return { sharpness: meanSq[0]! - mean[0]! * mean[0]!, noise: (Math.sqrt(Math.PI / 2) * meanAbs[1]!) / 6 };
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
