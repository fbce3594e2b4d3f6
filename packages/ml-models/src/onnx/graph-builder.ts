// A small, deterministic ONNX model writer: collects nodes and initializers in insertion order and encodes
// a ModelProto with protobufjs. Same calls in the same order give the same bytes (no timestamps, no maps
// with unstable order), which is what makes our model builds reproducible. It does no shape inference.
import { ModelProto, OnnxAttributeType, OnnxDataType } from './onnx-schema.js';

export type AttributeValue = number | number[] | string | { floats: number[] } | { float: number };

/** A tensor dimension: a fixed size or a symbolic name (e.g. "batch"). */
export type Dim = number | string;

interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attributes: Record<string, AttributeValue>;
  domain?: string;
}

interface TensorSpec {
  name: string;
  dims: number[];
  dataType: number;
  raw: Uint8Array;
}

interface ValueInfo {
  name: string;
  elemType: number;
  shape: Dim[];
}

function littleEndianBytes(values: Float32Array | BigInt64Array): Uint8Array {
  // ONNX raw_data is little-endian whatever the host; write through a DataView so a big-endian host agrees.
  const out = new Uint8Array(values.length * values.BYTES_PER_ELEMENT);
  const view = new DataView(out.buffer);
  if (values instanceof Float32Array) values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  else values.forEach((v, i) => view.setBigInt64(i * 8, v, true));
  return out;
}

function encodeAttribute(name: string, value: AttributeValue): Record<string, unknown> {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: use {float: x} for a float attribute`);
    return { name, type: OnnxAttributeType.INT, i: value };
  }
  if (typeof value === 'string') return { name, type: OnnxAttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: OnnxAttributeType.INTS, ints: value };
  if ('floats' in value) return { name, type: OnnxAttributeType.FLOATS, floats: value.floats };
  return { name, type: OnnxAttributeType.FLOAT, f: value.float };
}

function valueInfo(v: ValueInfo): Record<string, unknown> {
  return {
    name: v.name,
    type: {
      tensor_type: {
        elem_type: v.elemType,
        shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

export class OnnxGraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private readonly initializers: TensorSpec[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly names = new Set<string>();

  constructor(readonly graphName: string) {}

  /** Declares a float32 graph input. */
  input(name: string, shape: Dim[]): string {
    this.claim(name);
    this.inputs.push({ name, elemType: OnnxDataType.FLOAT, shape });
    return name;
  }

  /** Declares a float32 graph output (the tensor must be produced by a node). */
  output(name: string, shape: Dim[]): void {
    this.outputs.push({ name, elemType: OnnxDataType.FLOAT, shape });
  }

  /** Adds a float32 constant tensor. */
  floatInitializer(name: string, dims: number[], values: Float32Array | number[]): string {
    const data = values instanceof Float32Array ? values : Float32Array.from(values);
    const expected = dims.reduce((a, b) => a * b, 1);
    if (data.length !== expected) throw new Error(`initializer ${name}: ${data.length} values for dims [${dims}]`);
    this.claim(name);
    this.initializers.push({ name, dims, dataType: OnnxDataType.FLOAT, raw: littleEndianBytes(data) });
    return name;
  }

  /** Adds an int64 constant tensor (shapes, axes). */
  int64Initializer(name: string, dims: number[], values: number[]): string {
    this.claim(name);
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims, dataType: OnnxDataType.INT64, raw: littleEndianBytes(data) });
    return name;
  }

  /** Adds a node; returns its (first) output name. */
  node(op: string, inputs: string[], output: string, attributes: Record<string, AttributeValue> = {}): string {
    this.claim(output);
    this.nodes.push({ op, inputs, outputs: [output], name: `${output}_${op}`, attributes });
    return output;
  }

  /** Encodes the model. Metadata entries are written in the order given. */
  encode(opts: {
    opset: number;
    producer: string;
    producerVersion: string;
    docString: string;
    metadata?: [string, string][];
  }): Uint8Array {
    const message = {
      ir_version: 8,
      producer_name: opts.producer,
      producer_version: opts.producerVersion,
      doc_string: opts.docString,
      model_version: 1,
      opset_import: [{ domain: '', version: opts.opset }],
      metadata_props: (opts.metadata ?? []).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.graphName,
        node: this.nodes.map((n) => ({
          input: n.inputs,
          output: n.outputs,
          name: n.name,
          op_type: n.op,
          domain: n.domain ?? '',
          attribute: Object.entries(n.attributes).map(([k, v]) => encodeAttribute(k, v)),
        })),
        initializer: this.initializers.map((t) => ({
          name: t.name,
          dims: t.dims,
          data_type: t.dataType,
          raw_data: t.raw,
        })),
        input: this.inputs.map(valueInfo),
        output: this.outputs.map(valueInfo),
      },
    };
    const err = ModelProto.verify(message);
    if (err) throw new Error(`invalid ONNX model message: ${err}`);
    return ModelProto.encode(ModelProto.fromObject(message)).finish();
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`duplicate tensor name ${name}`);
    this.names.add(name);
  }
}
