import * as tf from '@tensorflow/tfjs-core';

/** Mean cross-entropy of logits [n, classes] against int labels [n] (torch CrossEntropyLoss). */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const logProbs = tf.logSoftmax(logits, -1);
  const picked = tf.sum(tf.mul(logProbs, tf.oneHot(tf.cast(labels, 'int32'), logits.shape[1])), -1);
  return tf.neg(tf.mean(picked)) as tf.Scalar;
}

/**
 * Cross-entropy over positions whose label is not `ignoreIndex` (-100), averaged over those positions:
 * torch's CrossEntropyLoss(ignore_index=-100), as HF's masked-LM loss uses.
 */
export function maskedCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, ignoreIndex = -100): tf.Scalar {
  const int = tf.cast(labels, 'int32');
  const keep = tf.cast(tf.notEqual(int, ignoreIndex), 'float32');
  const safe = tf.where(tf.notEqual(int, ignoreIndex), int, tf.zerosLike(int));
  const logProbs = tf.logSoftmax(logits, -1);
  const picked = tf.sum(tf.mul(logProbs, tf.oneHot(safe, logits.shape[1])), -1);
  return tf.neg(tf.div(tf.sum(tf.mul(picked, keep)), tf.maximum(tf.sum(keep), 1))) as tf.Scalar;
}

/** torch MSELoss (mean) for single-output regression heads. */
export function meanSquaredError(predictions: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  return tf.mean(tf.squaredDifference(tf.reshape(predictions, [-1]), tf.reshape(tf.cast(targets, 'float32'), [-1])));
}

/** torch BCEWithLogitsLoss (mean) for multi-label heads; targets are 0/1 of the logits' shape. */
export function binaryCrossEntropyWithLogits(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  const y = tf.cast(targets, 'float32');
  // max(x,0) - x*y + log(1 + exp(-|x|)): the numerically stable form torch uses.
  const loss = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, y)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
  return tf.mean(loss);
}
