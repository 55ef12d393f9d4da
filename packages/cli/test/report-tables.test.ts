/** The report tables, read back by a GFM parser: a `|` or a line break in a name stays in its cell. */
import { lexer, type Tokens } from 'marked';
import { describe, expect, it } from 'vitest';
import { formatMarkdownTable } from '@tl/core';
import { formatEvaluationReport } from '../src/evaluate/evaluation-report.js';

function tables(md: string): Tokens.Table[] {
  return lexer(md).filter((t): t is Tokens.Table => t.type === 'table');
}
const texts = (cells: readonly Tokens.TableCell[]) => cells.map((c) => c.text.replaceAll('\\|', '|'));

describe('Markdown tables', () => {
  it('keeps a label with a | (and one with a line break) in one cell, with its columns aligned as asked', () => {
    const md = formatMarkdownTable(['label', 'count'], [['spam|ham', 3], ['two\nlines', 4]], { align: ['left', 'right'] });
    const [table] = tables(md);
    expect(table!.header.map((c) => c.text)).toEqual(['label', 'count']);
    expect(table!.align).toEqual(['left', 'right']);
    expect(table!.rows.map(texts)).toEqual([['spam|ham', '3'], ['two lines', '4']]);
  });

  it('tl evaluate: a label name with | leaves the per-class table and the confusion matrix intact', () => {
    const labels = ['spam|ham', 'ok'];
    const md = formatEvaluationReport({
      model: 'm',
      data: 'd.jsonl',
      examples: 3,
      metrics: { eval_loss: 0.5, eval_accuracy: 2 / 3 },
      perClass: labels.map((label, i) => ({ label, precision: 1, recall: 0.5, f1: 2 / 3, support: 2 - i })),
      confusionMatrix: { labels, counts: [[1, 1], [0, 1]] },
    });
    const [metrics, perClass, confusion] = tables(md);
    expect(metrics!.rows.map(texts)).toEqual([['loss (cross-entropy)', '0.5000'], ['accuracy', '0.6667']]);
    expect(perClass!.rows.map(texts)).toEqual([
      ['spam|ham', '1.0000', '0.5000', '0.6667', '2'],
      ['ok', '1.0000', '0.5000', '0.6667', '1'],
    ]);
    expect(texts(confusion!.header)).toEqual(['', 'spam|ham', 'ok']);
    expect(confusion!.rows.map(texts)).toEqual([['spam|ham', '1', '1'], ['ok', '0', '1']]);
  });
});
