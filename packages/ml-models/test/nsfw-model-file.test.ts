// The built model file: valid ONNX that onnxruntime loads, with declared opset, shapes and provenance, and
// a reproducible build whose sha256 is the one recorded in the manifest.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { ModelProto } from '../src/onnx/onnx-schema.js';
import { NSFW_MODEL_ID, NSFW_MODEL_PATH, convertNsfwModel } from '../src/nsfw/build-nsfw-model.js';
import { readManifest, sha256 } from '../src/model-files.js';

describe('converted nsfw model', () => {
  it('declares IR version, opset 13, NHWC input and a 5-class output, and onnxruntime loads it', async () => {
    const bytes = readFileSync(NSFW_MODEL_PATH);
    const model = ModelProto.toObject(ModelProto.decode(bytes), { longs: Number }) as {
      ir_version: number;
      opset_import: { domain: string; version: number }[];
      graph: { input: { name: string; type: { tensor_type: { shape: { dim: { dim_value?: number; dim_param?: string }[] } } } }[]; node: { op_type: string }[] };
      metadata_props: { key: string; value: string }[];
    };
    expect(model.ir_version).toBe(8);
    expect(model.opset_import.map((o) => [o.domain ?? '', o.version])).toEqual([['', 13]]);
    const dims = model.graph.input[0]!.type.tensor_type.shape.dim;
    expect(dims.map((d) => d.dim_value ?? d.dim_param)).toEqual(['batch', 224, 224, 3]);
    const ops = new Set(model.graph.node.map((n) => n.op_type));
    expect([...ops].sort()).toEqual(['Add', 'Clip', 'Conv', 'Flatten', 'Gemm', 'GlobalAveragePool', 'Identity', 'Relu', 'Softmax', 'Transpose']);
    expect(model.metadata_props.find((m) => m.key === 'license')?.value).toBe('MIT');

    const session = await ort.InferenceSession.create(NSFW_MODEL_PATH);
    expect(session.inputNames).toEqual(['input']);
    expect(session.outputNames).toEqual(['probabilities']);
    const out = await session.run({ input: new ort.Tensor('float32', new Float32Array(2 * 224 * 224 * 3).fill(0.5), [2, 224, 224, 3]) });
    expect(out.probabilities!.dims).toEqual([2, 5]);
    const row = Array.from(out.probabilities!.data as Float32Array).slice(0, 5);
    expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    await session.release();
  });

  it('rebuilds to the same bytes, whose sha256 is the one recorded in the manifest', () => {
    const a = convertNsfwModel();
    const b = convertNsfwModel();
    expect(sha256(a.bytes)).toBe(sha256(b.bytes));
    expect(a.entry.sha256).toBe(readManifest().models[NSFW_MODEL_ID]!.sha256);
    expect(sha256(readFileSync(NSFW_MODEL_PATH))).toBe(a.entry.sha256);
  });
});
