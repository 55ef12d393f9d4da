import { backend_util, util, type TensorInfo } from '@tensorflow/tfjs-core';
import type { TorchBackend } from '../torch-backend.js';
import { attr, input, inputList, type TorchKernel } from './kernel.js';

const { slice_util } = backend_util;

export const SHAPE_KERNELS: TorchKernel[] = [
  {
    // A second tensor on the same data, as tfjs's own backends do: no native call. tfjs runs one
    // for every tensor it saves for a gradient (engine.clone), ~740 per BERT-base training step.
    name: 'Identity',
    run: (args) => share(args.backend, input(args, 'x')),
  },
  {
    name: 'Reshape',
    run: (args) => {
      const b = args.backend;
      const x = input(args, 'x');
      const shape = util.inferFromImplicitShape(attr<number[]>(args.attrs, 'shape'), util.sizeFromShape(x.shape));
      // To its own shape (tfjs's Add/Sub/Mul gradients reshape every result to its input's shape,
      // ~250 times a BERT-base step): the same data, shared in JS like Identity.
      if (util.arraysEqual(shape, x.shape)) return share(b, x);
      b.addon.reshape(b.handle(x), shape);
      return b.output();
    },
  },
  {
    name: 'ExpandDims',
    run: (args) => {
      const b = args.backend;
      const x = input(args, 'input');
      const dim = attr<number>(args.attrs, 'dim');
      const shape = x.shape.slice();
      shape.splice(dim < 0 ? x.shape.length + dim + 1 : dim, 0, 1);
      b.addon.reshape(b.handle(x), shape);
      return b.output();
    },
  },
  {
    name: 'Transpose',
    run: (args) => {
      const b = args.backend;
      b.addon.transpose(b.handle(input(args, 'x')), attr<number[]>(args.attrs, 'perm'));
      return b.output();
    },
  },
  {
    name: 'Slice',
    run: (args) => {
      const b = args.backend;
      const x = input(args, 'x');
      const [begin, size] = slice_util.parseSliceParams(x, attr(args.attrs, 'begin'), attr(args.attrs, 'size'));
      slice_util.assertParamsValid(x, begin!, size!);
      b.addon.slice(b.handle(x), begin!, size!);
      return b.output();
    },
  },
  {
    name: 'StridedSlice',
    run: (args) => {
      const b = args.backend;
      const x = input(args, 'x');
      const a = args.attrs;
      const info = slice_util.sliceInfo(
        x.shape,
        attr(a, 'begin'),
        attr(a, 'end'),
        attr(a, 'strides'),
        attr(a, 'beginMask'),
        attr(a, 'endMask'),
        attr(a, 'ellipsisMask'),
        attr(a, 'newAxisMask'),
        attr(a, 'shrinkAxisMask'),
      );
      if (info.isIdentity) b.addon.reshape(b.handle(x), info.finalShape);
      else b.addon.stridedSlice(b.handle(x), info.begin, info.end, info.strides, info.finalShape);
      return b.output();
    },
  },
  {
    name: 'Concat',
    run: (args) => {
      const b = args.backend;
      const xs = inputList(args);
      const [axis] = util.parseAxisParam(attr<number>(args.attrs, 'axis'), xs[0]!.shape);
      b.addon.concat(b.handles(xs), axis!);
      return b.output();
    },
  },
  {
    name: 'Pack',
    run: (args) => {
      const b = args.backend;
      const xs = inputList(args);
      const axis = attr<number>(args.attrs, 'axis');
      b.addon.pack(b.handles(xs), axis < 0 ? axis + xs[0]!.shape.length + 1 : axis);
      return b.output();
    },
  },
  {
    name: 'Unpack',
    run: (args) => {
      const b = args.backend;
      b.addon.unpack(b.handle(input(args, 'value')), attr<number>(args.attrs, 'axis'));
      return b.outputs();
    },
  },
  {
    name: 'SplitV',
    run: (args) => {
      const b = args.backend;
      const x = input(args, 'x');
      const [axis] = util.parseAxisParam(attr<number>(args.attrs, 'axis'), x.shape);
      const sizes = backend_util.prepareSplitSize(x, attr<number[] | number>(args.attrs, 'numOrSizeSplits'), axis!);
      b.addon.split(b.handle(x), sizes, axis!);
      return b.outputs();
    },
  },
  {
    name: 'Tile',
    run: (args) => {
      const b = args.backend;
      b.addon.tile(b.handle(input(args, 'x')), attr<number[]>(args.attrs, 'reps'));
      return b.output();
    },
  },
  {
    name: 'PadV2',
    run: (args) => {
      const b = args.backend;
      const paddings = attr<Array<[number, number]>>(args.attrs, 'paddings');
      b.addon.pad(b.handle(input(args, 'x')), paddings.flat(), attr<number>(args.attrs, 'constantValue') ?? 0);
      return b.output();
    },
  },
  {
    name: 'MirrorPad',
    run: (args) => {
      const b = args.backend;
      const paddings = attr<Array<[number, number]>>(args.attrs, 'paddings');
      b.addon.mirrorPad(b.handle(input(args, 'x')), paddings.flat(), attr<string>(args.attrs, 'mode') === 'symmetric');
      return b.output();
    },
  },
  {
    name: 'Reverse',
    run: (args) => {
      const b = args.backend;
      const x = input(args, 'x');
      b.addon.reverse(b.handle(x), util.parseAxisParam(attr<number | number[]>(args.attrs, 'dims'), x.shape));
      return b.output();
    },
  },
  {
    name: 'BroadcastTo',
    run: (args) => {
      const b = args.backend;
      b.addon.broadcastTo(b.handle(input(args, 'x')), attr<number[]>(args.attrs, 'shape'));
      return b.output();
    },
  },
];

/** A second tensor on x's data (reference-counted, as tfjs's own backends share): no native call. */
function share(backend: TorchBackend, x: TensorInfo): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}
