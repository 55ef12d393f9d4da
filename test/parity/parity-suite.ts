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
 * `forward`, and every parameter's gradient L2 norm within `gradNormRel` relative.
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

        it('loss and every parameter gradient norm match HF', async () => {
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
            const normTensor = tf.norm(g!);
            const norm = (await normTensor.data())[0]!;
            normTensor.dispose();
            if (expected!.norm < noiseFloor) {
              expect(norm, `${pname} grad norm ${norm} vs ~0 (${expected!.norm})`).toBeLessThan(noiseFloor);
            } else {
              const rel = Math.abs(norm - expected!.norm) / expected!.norm;
              expect(rel, `${pname} grad norm ${norm} vs ${expected!.norm}`).toBeLessThanOrEqual(tol.gradNormRel);
            }
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
