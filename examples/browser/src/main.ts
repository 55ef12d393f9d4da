import * as tf from '@tensorflow/tfjs-core';
import { bertLoss, bertShapeFromConfig, createBertParams, parseSafetensorsF32, type BertBatch } from '@tl/backend-webgpu/bench';
import { chooseBackend } from './choose-backend.js';

/**
 * Loads an HF BERT folder over HTTP (config.json, model.safetensors, and the fixture's
 * reference.json for ready-tokenised inputs) and fine-tunes it for a few Adam steps in the tab.
 *
 * TODO(lead): this runs the BERT-shaped tfjs-ops stand-in from @tl/backend-webgpu/bench. When
 * @tl/core's encoder models, tokenizer and Trainer are browser-safe, swap in
 * `loadModel(url)` + `Trainer` here; the page's contract (window.__tl, the DOM ids) can stay.
 */
interface Reference {
  inputs: { input_ids: number[][]; attention_mask: number[][]; token_type_ids: number[][] };
  labels: number[];
  loss: number;
}

export interface PageResult {
  readonly backend: string;
  readonly reason: string;
  readonly referenceLoss: number;
  readonly losses: number[];
  readonly msPerStep: number[];
  readonly error?: string;
}

declare global {
  interface Window {
    __tl?: PageResult;
  }
}

const params = new URLSearchParams(location.search);
const MODEL = params.get('model') ?? './model/';
const STEPS = Number(params.get('steps') ?? 8);
const LR = Number(params.get('lr') ?? 5e-3);

const $ = (id: string): HTMLElement => document.getElementById(id)!;

async function fetchOk(url: string): Promise<Response> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url}: HTTP ${r.status}`);
  return r;
}

async function main(): Promise<void> {
  const { engine, reason } = await chooseBackend('./');
  const backend = engine.backend.name;
  $('backend').textContent = `Backend: ${backend} — ${reason}`;
  $('backend').className = backend;

  const [config, ref, weights] = await Promise.all([
    fetchOk(`${MODEL}config.json`).then((r) => r.json()),
    fetchOk(`${MODEL}reference.json`).then((r) => r.json() as Promise<Reference>),
    fetchOk(`${MODEL}model.safetensors`).then((r) => r.arrayBuffer()),
  ]);
  const shape = bertShapeFromConfig(config);
  const model = createBertParams(shape, 0, parseSafetensorsF32(weights));
  const batch: BertBatch = {
    inputIds: tf.tensor2d(ref.inputs.input_ids, undefined, 'int32'),
    attentionMask: tf.tensor2d(ref.inputs.attention_mask),
    tokenTypeIds: tf.tensor2d(ref.inputs.token_type_ids, undefined, 'int32'),
    labels: tf.tensor1d(ref.labels, 'int32'),
  };
  $('model').textContent =
    `${MODEL}: BERT ${shape.layers} layers, hidden ${shape.hidden}, ${Object.keys(model).length} tensors; ` +
    `${ref.labels.length} examples; Adam lr ${LR}`;

  const optimizer = tf.train.adam(LR);
  const losses: number[] = [];
  const msPerStep: number[] = [];
  for (let step = 1; step <= STEPS; step++) {
    const t0 = performance.now();
    const loss = optimizer.minimize(() => bertLoss(shape, model, batch), true, Object.values(model))!;
    const value = (await loss.data())[0]!;
    loss.dispose();
    const ms = performance.now() - t0;
    losses.push(value);
    msPerStep.push(ms);
    const row = document.createElement('tr');
    row.innerHTML = `<td>${step}</td><td>${value.toFixed(5)}</td><td>${ms.toFixed(0)}</td>`;
    $('steps').appendChild(row);
  }
  $('status').textContent =
    `Done: loss ${losses[0]!.toFixed(4)} → ${losses[losses.length - 1]!.toFixed(4)} ` +
    `(HF reference for the first step: ${ref.loss.toFixed(4)}).`;
  $('status').className = 'done';
  window.__tl = { backend, reason, referenceLoss: ref.loss, losses, msPerStep };
  optimizer.dispose();
  tf.dispose([...Object.values(batch), ...Object.values(model)]);
}

main().catch((e: unknown) => {
  const message = e instanceof Error ? e.message : String(e);
  $('status').textContent = `Error: ${message}`;
  $('status').className = 'error';
  window.__tl = { backend: tf.getBackend() ?? 'none', reason: '', referenceLoss: NaN, losses: [], msPerStep: [], error: message };
});
