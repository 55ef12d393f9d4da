import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** ONNX TensorProto element types used here. */
export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const INT64 = onnx.TensorProto.DataType.INT64;

/** An attribute value as the builder takes it: ints, floats, int lists. */
export type AttributeValue = number | readonly number[] | { readonly float: number };

/** A symbolic or fixed dimension of a graph input/output. */
export type Dim = string | number;

/**
 * Accumulates an ONNX graph: nodes in topological order (callers add them in evaluation order),
 * initializers, inputs and outputs. Node outputs get unique names derived from a readable scope, so
 * the exported graph can be read in Netron like HF's own exports.
 */
export class OnnxGraph {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly used = new Set<string>();

  /** Adds a node; returns the name of its (first) output. */
  op(type: string, inputs: readonly string[], scope: string, attributes: Record<string, AttributeValue> = {}): string {
    const output = this.unique(`${scope}/${type}`);
    this.nodes.push({
      opType: type,
      name: output,
      input: [...inputs],
      output: [output],
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return output;
  }

  /** A float32 initializer (weights); returns its name. */
  float(name: string, dims: readonly number[], data: Float32Array): string {
    return this.initializer(name, FLOAT, dims, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }

  /** An int64 initializer (shapes, axes, indices). `dims` [] makes a scalar. */
  int64(name: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    const data = new BigInt64Array(values.map((v) => BigInt(v)));
    return this.initializer(name, INT64, dims, new Uint8Array(data.buffer));
  }

  /** A float32 scalar constant. */
  scalar(name: string, value: number): string {
    return this.float(name, [], new Float32Array([value]));
  }

  input(name: string, elemType: number, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    this.used.add(name);
    return name;
  }

  output(name: string, elemType: number, dims: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** Renames the value `from` to the graph output `to` with an Identity node. */
  identity(from: string, to: string): void {
    this.nodes.push({ opType: 'Identity', name: `${to}/Identity`, input: [from], output: [to] });
    this.used.add(to);
  }

  /** The serialized ModelProto. */
  encode(meta: { readonly graphName: string; readonly opset: number; readonly producer: string; readonly docString?: string; readonly metadata?: Record<string, string> }): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: meta.opset }],
      producerName: meta.producer,
      ...(meta.docString !== undefined && { docString: meta.docString }),
      metadataProps: Object.entries(meta.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: { name: meta.graphName, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs },
    });
    return onnx.ModelProto.encode(model).finish();
  }

  private initializer(name: string, dataType: number, dims: readonly number[], rawData: Uint8Array): string {
    const unique = this.unique(name);
    this.initializers.push({ name: unique, dataType, dims: [...dims], rawData });
    return unique;
  }

  private unique(name: string): string {
    let candidate = name;
    for (let i = 1; this.used.has(candidate); i++) candidate = `${name}_${i}`;
    this.used.add(candidate);
    return candidate;
  }
}

function attribute(name: string, value: AttributeValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') return { name, type: T.INT, i: value };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: [...(value as number[])] };
  return { name, type: T.FLOAT, f: (value as { float: number }).float };
}

function valueInfo(name: string, elemType: number, dims: readonly Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  };
}
