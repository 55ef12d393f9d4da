import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, loadModel, type EncodedBatch } from '@tl/core';
import { FIXTURE_NAMES, type FixtureName, fixtureDir, flat, maxAbsDiff, reference } from '../support/fixtures.js';

export interface ParityTolerances {
  readonly forward: number;
  readonly gradNormRel: number;
}

function batchOf(name: FixtureName): EncodedBatch {
  const { inputs } = reference(name);
  return {
    inputIds: tf.tensor2d(inputs.input_ids, undefined, 'int32'),
    attentionMask: tf.tensor2d(inputs.attention_mask, undefined, 'int32'),
    tokenTypeIds: inputs.token_type_ids ? tf.tensor2d(inputs.token_type_ids, undefined, 'int32') : undefined,
  };
}

/**
 * HF parity for every fixture on one backend: forward outputs within `forward` absolute, loss within
 * `forward`, and every parameter's gradient: its shape, its L2 norm within `gradNormRel` relative, and
 * its first values and sum within that tolerance scaled by the norm.
 */
export function describeParity(
  backend: string,
  tol: ParityTolerances = { forward: 1e-5, gradNormRel: 1e-4 },
  setup: () => Promise<unknown> = async () => {},
): void {
  describe(`HF parity on ${backend}`, () => {
    beforeAll(async () => {
      await setup();
      await createEngine({ backend });
    });

    for (const name of FIXTURE_NAMES) {
      describe(name, () => {
        const ref = reference(name);

        it('forward outputs match HF', async () => {
          const { model, report } = await loadModel(fixtureDir(name));
          expect(report.missing).toEqual([]);
          expect(report.unexpected).toEqual([]);
          const batch = batchOf(name);
          const out = model.forward(batch);
          // Reads are asynchronous: GPU backends in Node cannot read tensors synchronously.
          const compare = async (actual: tf.Tensor | undefined, expected: { shape: number[]; data: unknown } | undefined, what: string) => {
            if (!expected) return;
            expect(actual, what).toBeDefined();
            expect(actual!.shape, what).toEqual(expected.shape);
            const diff = maxAbsDiff(await actual!.data(), flat(expected.data));
            expect(diff, `${what} max |Δ|`).toBeLessThanOrEqual(tol.forward);
          };
          await compare(out.embeddingOutput, ref.embeddings_output, 'embeddings_output');
          await compare(out.lastHiddenState, ref.last_hidden_state, 'last_hidden_state');
          await compare(out.poolerOutput, ref.pooler_output, 'pooler_output');
          if (ref.masked_logits && ref.mask_positions) {
            const logits = (await out.logits!.array()) as number[][][];
            const picked = ref.mask_positions.map(([b, s]) => logits[b]![s]!);
            expect(maxAbsDiff(picked.flat(), flat(ref.masked_logits.data)), 'masked logits').toBeLessThanOrEqual(tol.forward);
          } else {
            await compare(out.logits, ref.logits, 'logits');
          }
          tf.dispose([...Object.values(out), ...Object.values(batch)] as tf.Tensor[]);
          model.dispose();
        });

        it('loss and every parameter gradient (shape, norm, first values, sum) match HF', async () => {
          const { model } = await loadModel(fixtureDir(name));
          const batch = batchOf(name);
          const labels = ref.mlm_labels ? tf.tensor2d(ref.mlm_labels, undefined, 'int32') : tf.tensor1d(ref.labels!, 'int32');
          let lossValue = 0;
          const { value, grads } = tf.variableGrads(() => {
            const out = model.forward(batch);
            return model.loss(out, labels);
          });
          lossValue = (await value.data())[0]!;
          expect(Math.abs(lossValue - ref.loss), 'loss').toBeLessThanOrEqual(tol.forward);
          const byVariable = new Map(Object.entries(grads));
          const checked: string[] = [];
          // Attention key biases have an analytically zero gradient (softmax is invariant to a shift shared by
          // a row); HF's reference holds float32 noise there (~1e-8 against norms ~1e0), so gradients at that
          // noise floor are compared absolutely, everything else relatively.
          const largest = Math.max(...Object.values(ref.grads).map((g) => g.norm));
          const noiseFloor = 1e-6 * largest;
          for (const [pname, variable] of model.parameters.entries()) {
            const expected = ref.grads[pname];
            expect(expected, `reference has a gradient for ${pname}`).toBeDefined();
            const g = byVariable.get(variable.name);
            expect(g, `gradient for ${pname}`).toBeDefined();
            expect(g!.shape, `${pname} grad shape`).toEqual(expected!.shape);
            const values = await g!.data();
            let squares = 0;
            for (const v of values) squares += v * v;
            const norm = Math.sqrt(squares);
            if (expected!.norm < noiseFloor) {
              expect(norm, `${pname} grad norm ${norm} vs ~0 (${expected!.norm})`).toBeLessThan(noiseFloor);
            } else {
              const rel = Math.abs(norm - expected!.norm) / expected!.norm;
              expect(rel, `${pname} grad norm ${norm} vs ${expected!.norm}`).toBeLessThanOrEqual(tol.gradNormRel);
            }
            // The norm alone is blind to a transposed or permuted gradient: the first values and the sum
            // are not. An element's error is bounded by the norm's (relative) tolerance times the norm, and
            // the sum's by that times sqrt(size) (Cauchy-Schwarz over the elements' errors).
            const elementTol = tol.gradNormRel * expected!.norm + noiseFloor;
            const head = Array.from(values.slice(0, expected!.head.length));
            expect(maxAbsDiff(head, expected!.head), `${pname} grad first values ${head} vs ${expected!.head}`).toBeLessThanOrEqual(elementTol);
            const sum = values.reduce((a, b) => a + b, 0);
            expect(Math.abs(sum - expected!.sum), `${pname} grad sum ${sum} vs ${expected!.sum}`).toBeLessThanOrEqual(
              elementTol * Math.sqrt(values.length),
            );
            checked.push(pname);
          }
          expect(checked.sort()).toEqual(Object.keys(ref.grads).sort());
          tf.dispose([value, labels, ...Object.values(grads), ...Object.values(batch)] as tf.Tensor[]);
          model.dispose();
        });
      });
    }
  });
}
