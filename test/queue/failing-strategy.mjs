// A `--plugin` module for the queue test: a strategy that fails its runs on workers started with
// TL_TEST_FAIL_RUNS=1 (and only there: the submitting command builds it too, to check the spec).
import { registerStrategy } from '@tl/core';

registerStrategy({
  name: 'fails-on-worker',
  create: () => ({
    name: 'fails-on-worker',
    phase: 'data',
    transformDataset(examples) {
      if (process.env.TL_TEST_FAIL_RUNS === '1') throw new Error('this worker refuses the run (TL_TEST_FAIL_RUNS=1)');
      return examples;
    },
  }),
});
