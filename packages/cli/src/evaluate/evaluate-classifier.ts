import {
  argmaxRows,
  classificationMetrics,
  classificationReport,
  ConfusionMatrix,
  Trainer,
  type ClassReport,
  type Collator,
  type Example,
  type LabelMap,
  type Model,
} from '@tl/core';

export interface ClassifierEvaluation {
  /** The Trainer's evaluation metrics: `eval_loss`, `eval_accuracy`, `eval_f1_macro`, `eval_f1_micro`, `eval_mcc`. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Precision, recall, F1 and support of every class in the labels or the predictions (sklearn's set). */
  readonly perClass: readonly ClassReport[];
  /** Rows: true class; columns: predicted class; over the same classes as `perClass`. */
  readonly confusionMatrix: { readonly labels: readonly string[]; readonly counts: readonly (readonly number[])[] };
}

export interface EvaluateClassifierOptions {
  readonly batchSize: number;
  /** Called after each batch is collated, with the number of examples handed to the model so far. */
  readonly onProgress?: (done: number) => void;
}

/**
 * Measures a sequence classifier on labelled examples through the Trainer's own evaluation (eval
 * mode, the same loss and metrics `tl finetune --eval` reports), keeping the predictions it computed
 * the metrics from for the per-class report and the confusion matrix.
 */
export async function evaluateClassifier(
  model: Model,
  collator: Collator,
  examples: readonly Example[],
  labelMap: LabelMap,
  options: EvaluateClassifierOptions,
): Promise<ClassifierEvaluation> {
  let yTrue: readonly number[] = [];
  let yPred: number[] = [];
  let done = 0;
  const counting: Collator = {
    collate: (batch, context) => {
      const collated = collator.collate(batch, context);
      done += batch.length;
      options.onProgress?.(done);
      return collated;
    },
  };
  const trainer = new Trainer({
    model,
    collator: counting,
    args: { evalBatchSize: options.batchSize },
    computeMetrics: ({ logits, logitsShape, labels }) => {
      yTrue = labels;
      yPred = argmaxRows(logits, logitsShape[1]!);
      return classificationMetrics(yTrue, yPred);
    },
  });
  try {
    const metrics = await trainer.evaluate(examples);
    const cm = new ConfusionMatrix(yTrue, yPred);
    return {
      metrics,
      perClass: classificationReport(yTrue, yPred, labelMap.id2label),
      confusionMatrix: { labels: cm.labels.map((l) => labelMap.id2label[l] ?? String(l)), counts: cm.counts },
    };
  } finally {
    trainer.dispose();
  }
}
