import { backend_util, util, type DataType } from '@tensorflow/tfjs-core';
import { dtypeCode } from '../native/dtype.js';
import { attr, input, type TorchKernel } from './kernel.js';

export const INDEXING_KERNELS: TorchKernel[] = [
  {
    name: 'GatherV2',
    run: (args) => {
      const b = args.backend;
      const x = input(args, 'x');
      const indices = input(args, 'indices');
      const [axis] = util.parseAxisParam(attr<number>(args.attrs, 'axis'), x.shape);
      const info = backend_util.segment_util.collectGatherOpShapeInfo(x, indices, axis!, attr<number>(args.attrs, 'batchDims') ?? 0);
      b.addon.gather(b.handle(x), b.handle(indices), info.batchSize, info.outerSize, info.dimSize, info.sliceSize, info.outputShape);
      return b.output();
    },
  },
  {
    name: 'GatherNd',
    run: (args) => {
      const b = args.backend;
      b.addon.gatherNd(b.handle(input(args, 'params')), b.handle(input(args, 'indices')));
      return b.output();
    },
  },
  {
    name: 'ScatterNd',
    run: (args) => {
      const b = args.backend;
      b.addon.scatterNd(b.handle(input(args, 'indices')), b.handle(input(args, 'updates')), attr<number[]>(args.attrs, 'shape'));
      return b.output();
    },
  },
  {
    name: 'UnsortedSegmentSum',
    run: (args) => {
      const b = args.backend;
      b.addon.unsortedSegmentSum(b.handle(input(args, 'x')), b.handle(input(args, 'segmentIds')), attr<number>(args.attrs, 'numSegments'));
      return b.output();
    },
  },
  {
    name: 'OneHot',
    run: (args) => {
      const b = args.backend;
      b.addon.oneHot(
        b.handle(input(args, 'indices')),
        attr<number>(args.attrs, 'depth'),
        attr<number>(args.attrs, 'onValue') ?? 1,
        attr<number>(args.attrs, 'offValue') ?? 0,
        dtypeCode(attr<DataType>(args.attrs, 'dtype') ?? 'int32'),
      );
      return b.output();
    },
  },
];
