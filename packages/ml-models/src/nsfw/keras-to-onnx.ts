// Converts a TensorFlow.js Keras-layers model (model.json topology + weight bytes) into an ONNX graph.
// Covers the layer kinds the nsfwjs MobileNetV2 uses; anything else is rejected with the layer's name rather
// than silently mis-converted. Input stays NHWC (as Keras and nsfwjs take it) and is transposed once to the
// NCHW layout ONNX convolutions use. BatchNormalization after a convolution is folded into its weights.
import { OnnxGraphBuilder } from '../onnx/graph-builder.js';

export interface KerasLayer {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: [string, number, number, unknown][][];
}

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { min?: number; scale?: number; dtype: string };
}

export interface TfjsLayersModel {
  modelTopology: {
    keras_version?: string;
    model_config: {
      class_name: string;
      config: { layers: KerasLayer[]; input_layers: [string, number, number][]; output_layers: [string, number, number][] };
    };
  };
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
}

export interface Weight {
  shape: number[];
  values: Float32Array;
}

/** Decodes the concatenated weight bytes, undoing tfjs's uint8 affine quantization the way tfjs does. */
export function decodeWeights(specs: WeightSpec[], bytes: Uint8Array): Map<string, Weight> {
  const out = new Map<string, Weight>();
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(count);
    const q = spec.quantization;
    if (q) {
      if (q.dtype !== 'uint8' || q.scale === undefined || q.min === undefined) {
        throw new Error(`weight ${spec.name}: unsupported quantization ${JSON.stringify(q)}`);
      }
      if (offset + count > bytes.length) throw new Error(`weight ${spec.name}: weight data is truncated`);
      // Same arithmetic as tfjs-core io_utils (double precision, then stored as float32).
      for (let i = 0; i < count; i++) values[i] = bytes[offset + i]! * q.scale + q.min;
      offset += count;
    } else {
      if (spec.dtype !== 'float32') throw new Error(`weight ${spec.name}: unsupported dtype ${spec.dtype}`);
      if (offset + count * 4 > bytes.length) throw new Error(`weight ${spec.name}: weight data is truncated`);
      const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * 4);
      for (let i = 0; i < count; i++) values[i] = view.getFloat32(i * 4, true);
      offset += count * 4;
    }
    out.set(spec.name, { shape: spec.shape, values });
  }
  if (offset !== bytes.length) throw new Error(`weight data has ${bytes.length - offset} unexpected trailing bytes`);
  return out;
}

/** A converted tensor: ONNX name, static NCHW shape without the batch dim, and how it was produced. */
interface Tensor {
  name: string;
  shape: number[]; // [C, H, W] for feature maps, [F] after Flatten/Dense
  /** Zero padding [top, left, bottom, right] still owed by a ZeroPadding2D, absorbed by the next conv. */
  pendingPad?: [number, number, number, number];
  /** Set when the tensor is the output of a conv whose weights a following BatchNorm may fold into. */
  conv?: { weightName: string; kernel: Float32Array; bias: Float32Array; outChannels: number; emit: () => string };
}

export interface ConvertOptions {
  /** Written into the model's metadata so a reader knows what it holds. */
  metadata: [string, string][];
  docString: string;
  producerVersion: string;
}

const OPSET = 13;

function samePads(inSize: number, kernel: number, stride: number): [number, number] {
  // TensorFlow "SAME": output = ceil(in / stride), extra padding goes after (bottom/right).
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + kernel - inSize, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

function pair(v: unknown, what: string): [number, number] {
  if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === 'number')) throw new Error(`bad ${what}`);
  return [v[0] as number, v[1] as number];
}

export function convertKerasToOnnx(model: TfjsLayersModel, weights: Map<string, Weight>, opts: ConvertOptions): Uint8Array {
  const cfg = model.modelTopology.model_config.config;
  const g = new OnnxGraphBuilder('nsfw_mobilenet_v2');
  const tensors = new Map<string, Tensor>();
  const consumers = new Map<string, number>();
  for (const l of cfg.layers) for (const n of l.inbound_nodes.flat()) consumers.set(n[0], (consumers.get(n[0]) ?? 0) + 1);

  const weight = (layer: string, param: string): Weight => {
    const w = weights.get(`${layer}/${param}`);
    if (!w) throw new Error(`layer ${layer}: missing weight ${param}`);
    return w;
  };
  // Materialises a conv whose BatchNorm folding opportunity has passed.
  const realize = (t: Tensor): string => {
    if (t.conv) {
      t.conv.emit();
      delete t.conv;
    }
    if (t.pendingPad) throw new Error(`tensor ${t.name}: ZeroPadding2D must be followed by a convolution`);
    return t.name;
  };
  const inputOf = (layer: KerasLayer, index = 0): Tensor => {
    const ref = layer.inbound_nodes[0]?.[index];
    if (!ref) throw new Error(`layer ${layer.name}: missing input ${index}`);
    const t = tensors.get(ref[0]);
    if (!t) throw new Error(`layer ${layer.name}: input ${ref[0]} not converted yet`);
    return t;
  };

  let graphInput = '';
  for (const layer of cfg.layers) {
    const c = layer.config;
    const name = layer.name;
    switch (layer.class_name) {
      case 'InputLayer': {
        const shape = c.batch_input_shape as (number | null)[];
        if (shape.length !== 4 || shape[3] === null) throw new Error('InputLayer: expected [batch, H, W, C]');
        const [, h, w, ch] = shape as [null, number, number, number];
        graphInput = g.input('input', ['batch', h, w, ch]);
        g.node('Transpose', [graphInput], `${name}_nchw`, { perm: [0, 3, 1, 2] });
        tensors.set(name, { name: `${name}_nchw`, shape: [ch, h, w] });
        break;
      }
      case 'ZeroPadding2D': {
        const x = inputOf(layer);
        const [[t, b], [l, r]] = c.padding as [[number, number], [number, number]];
        const [ch, h, w] = x.shape as [number, number, number];
        tensors.set(name, { name: realize(x), shape: [ch, h + t + b, w + l + r], pendingPad: [t, l, b, r] });
        break;
      }
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const x = inputOf(layer);
        const pad = x.pendingPad ?? [0, 0, 0, 0];
        const inName = x.pendingPad ? x.name : realize(x);
        const [inC, padH, padW] = x.shape as [number, number, number];
        const [h, w] = [padH - pad[0] - pad[2], padW - pad[1] - pad[3]];
        const [kh, kw] = pair(c.kernel_size, 'kernel_size');
        const [sh, sw] = pair(c.strides, 'strides');
        const dil = pair(c.dilation_rate ?? [1, 1], 'dilation_rate');
        if (dil[0] !== 1 || dil[1] !== 1) throw new Error(`layer ${name}: dilation is not supported`);
        if (c.data_format !== 'channels_last') throw new Error(`layer ${name}: only channels_last is supported`);
        let pads: [number, number, number, number] = pad;
        if (c.padding === 'same') {
          const [pt, pb] = samePads(padH, kh, sh);
          const [pl, pr] = samePads(padW, kw, sw);
          pads = [pad[0] + pt, pad[1] + pl, pad[2] + pb, pad[3] + pr];
        } else if (c.padding !== 'valid') throw new Error(`layer ${name}: padding ${String(c.padding)} not supported`);
        const depthwise = layer.class_name === 'DepthwiseConv2D';
        const k = depthwise ? weight(name, 'depthwise_kernel') : weight(name, 'kernel');
        // Keras kernels are [kh, kw, in, out] (depthwise: [kh, kw, in, multiplier]); ONNX wants [out, in/group, kh, kw].
        const [, , kin, kout] = k.shape as [number, number, number, number];
        if (kin !== inC) throw new Error(`layer ${name}: kernel expects ${kin} input channels, got ${inC}`);
        const outC = depthwise ? kin * kout : kout;
        const perOut = depthwise ? 1 : kin;
        const kernel = new Float32Array(outC * perOut * kh * kw);
        for (let y = 0; y < kh; y++)
          for (let xk = 0; xk < kw; xk++)
            for (let i = 0; i < kin; i++)
              for (let o = 0; o < kout; o++) {
                const src = k.values[((y * kw + xk) * kin + i) * kout + o]!;
                const oc = depthwise ? i * kout + o : o;
                const ic = depthwise ? 0 : i;
                kernel[((oc * perOut + ic) * kh + y) * kw + xk] = src;
              }
        const bias = c.use_bias ? Float32Array.from(weight(name, 'bias').values) : new Float32Array(outC);
        const outH = Math.floor((h + pads[0] + pads[2] - kh) / sh) + 1;
        const outW = Math.floor((w + pads[1] + pads[3] - kw) / sw) + 1;
        const out = `${name}_out`;
        const t: Tensor = { name: out, shape: [outC, outH, outW] };
        const activation = c.activation ?? 'linear';
        const conv: NonNullable<Tensor['conv']> = {
          weightName: name,
          kernel,
          bias,
          outChannels: outC,
          emit: () => {
            const wName = g.floatInitializer(`${name}_W`, [outC, perOut, kh, kw], conv.kernel);
            const bName = g.floatInitializer(`${name}_B`, [outC], conv.bias);
            return g.node('Conv', [inName, wName, bName], out, {
              kernel_shape: [kh, kw],
              strides: [sh, sw],
              pads: [pads[0], pads[1], pads[2], pads[3]],
              group: depthwise ? kin : 1,
              dilations: [1, 1],
            });
          },
        };
        if (activation === 'linear') t.conv = conv;
        else throw new Error(`layer ${name}: fused activation ${String(activation)} not supported`);
        tensors.set(name, t);
        break;
      }
      case 'BatchNormalization': {
        const x = inputOf(layer);
        const eps = c.epsilon as number;
        if (c.axis !== -1 && c.axis !== 3 && !(Array.isArray(c.axis) && c.axis[0] === 3)) {
          throw new Error(`layer ${name}: only channel-axis batch normalization is supported`);
        }
        const ch = x.shape[0]!;
        const gamma = c.scale ? weight(name, 'gamma').values : new Float32Array(ch).fill(1);
        const beta = c.center ? weight(name, 'beta').values : new Float32Array(ch);
        const mean = weight(name, 'moving_mean').values;
        const variance = weight(name, 'moving_variance').values;
        const inputRef = layer.inbound_nodes[0]![0]![0];
        if (x.conv && consumers.get(inputRef) === 1) {
          // Fold: y = gamma * (conv(x) + b - mean) / sqrt(var + eps) + beta, computed in double precision.
          const conv = x.conv;
          const per = conv.kernel.length / conv.outChannels;
          for (let o = 0; o < conv.outChannels; o++) {
            const s = gamma[o]! / Math.sqrt(variance[o]! + eps);
            for (let j = 0; j < per; j++) conv.kernel[o * per + j] = conv.kernel[o * per + j]! * s;
            conv.bias[o] = (conv.bias[o]! - mean[o]!) * s + beta[o]!;
          }
          tensors.set(name, x); // the conv now produces the normalised output
        } else {
          const inName = realize(x);
          const out = g.node(
            'BatchNormalization',
            [
              inName,
              g.floatInitializer(`${name}_scale`, [ch], gamma),
              g.floatInitializer(`${name}_bias`, [ch], beta),
              g.floatInitializer(`${name}_mean`, [ch], mean),
              g.floatInitializer(`${name}_var`, [ch], variance),
            ],
            `${name}_out`,
            { epsilon: { float: eps } },
          );
          tensors.set(name, { name: out, shape: x.shape });
        }
        break;
      }
      case 'ReLU': {
        const x = inputOf(layer);
        const inName = realize(x);
        const max = c.max_value as number | null | undefined;
        if ((c.negative_slope ?? 0) !== 0 || (c.threshold ?? 0) !== 0) throw new Error(`layer ${name}: leaky/thresholded ReLU not supported`);
        const out =
          max === null || max === undefined
            ? g.node('Relu', [inName], `${name}_out`)
            : g.node('Clip', [inName, g.floatInitializer(`${name}_min`, [], [0]), g.floatInitializer(`${name}_max`, [], [max])], `${name}_out`);
        tensors.set(name, { name: out, shape: x.shape });
        break;
      }
      case 'Add': {
        const refs = layer.inbound_nodes[0]!;
        const ins = refs.map((_, i) => inputOf(layer, i));
        const names = ins.map((t) => realize(t));
        let acc = names[0]!;
        for (let i = 1; i < names.length; i++) acc = g.node('Add', [acc, names[i]!], i === names.length - 1 ? `${name}_out` : `${name}_out${i}`);
        tensors.set(name, { name: acc, shape: ins[0]!.shape });
        break;
      }
      case 'AveragePooling2D':
      case 'GlobalAveragePooling2D': {
        const x = inputOf(layer);
        const inName = realize(x);
        const [ch, h, w] = x.shape as [number, number, number];
        if (layer.class_name === 'GlobalAveragePooling2D') {
          g.node('GlobalAveragePool', [inName], `${name}_pool`);
          tensors.set(name, { name: g.node('Flatten', [`${name}_pool`], `${name}_out`, { axis: 1 }), shape: [ch] });
          break;
        }
        const [ph, pw] = pair(c.pool_size, 'pool_size');
        const [sh, sw] = pair(c.strides ?? c.pool_size, 'strides');
        if (c.padding !== 'valid') throw new Error(`layer ${name}: only valid average pooling is supported`);
        if (ph === h && pw === w) {
          // A pool covering the whole map is a global average pool; ORT has a faster kernel for it.
          tensors.set(name, { name: g.node('GlobalAveragePool', [inName], `${name}_out`), shape: [ch, 1, 1] });
        } else {
          const out = g.node('AveragePool', [inName], `${name}_out`, { kernel_shape: [ph, pw], strides: [sh, sw] });
          tensors.set(name, { name: out, shape: [ch, Math.floor((h - ph) / sh) + 1, Math.floor((w - pw) / sw) + 1] });
        }
        break;
      }
      case 'Flatten': {
        const x = inputOf(layer);
        let inName = realize(x);
        const [ch, h = 1, w = 1] = x.shape as [number, number?, number?];
        if (h * w !== 1) {
          // Keras flattens channels_last (H, W, C order); go back to NHWC first so Dense weights line up.
          inName = g.node('Transpose', [inName], `${name}_nhwc`, { perm: [0, 2, 3, 1] });
        }
        tensors.set(name, { name: g.node('Flatten', [inName], `${name}_out`, { axis: 1 }), shape: [ch * h * w] });
        break;
      }
      case 'Dropout':
        tensors.set(name, inputOf(layer)); // identity at inference
        break;
      case 'Dense': {
        const x = inputOf(layer);
        const inName = realize(x);
        if (x.shape.length !== 1) throw new Error(`layer ${name}: Dense on a rank-${x.shape.length + 1} tensor not supported`);
        const k = weight(name, 'kernel');
        const [fin, fout] = k.shape as [number, number];
        const b = c.use_bias ? weight(name, 'bias').values : new Float32Array(fout);
        const gemm = g.node(
          'Gemm',
          [inName, g.floatInitializer(`${name}_W`, [fin, fout], k.values), g.floatInitializer(`${name}_B`, [fout], b)],
          `${name}_linear`,
        );
        const act = c.activation ?? 'linear';
        let out = gemm;
        if (act === 'relu') out = g.node('Relu', [gemm], `${name}_out`);
        else if (act === 'softmax') out = g.node('Softmax', [gemm], `${name}_out`, { axis: -1 });
        else if (act === 'sigmoid') out = g.node('Sigmoid', [gemm], `${name}_out`);
        else if (act !== 'linear') throw new Error(`layer ${name}: activation ${String(act)} not supported`);
        tensors.set(name, { name: out, shape: [fout] });
        break;
      }
      default:
        throw new Error(`layer ${name}: Keras layer ${layer.class_name} is not supported by this converter`);
    }
  }

  const outputs = cfg.output_layers;
  if (outputs.length !== 1) throw new Error('expected exactly one output layer');
  const last = tensors.get(outputs[0]![0]);
  if (!last) throw new Error(`output layer ${outputs[0]![0]} was not converted`);
  const lastName = realize(last);
  g.node('Identity', [lastName], 'probabilities');
  g.output('probabilities', ['batch', ...last.shape]);
  return g.encode({
    opset: OPSET,
    producer: '@fanz/ml-models keras-to-onnx',
    producerVersion: opts.producerVersion,
    docString: opts.docString,
    metadata: opts.metadata,
  });
}
