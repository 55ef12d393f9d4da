import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { formatMarkdownTable, type TransferResults } from '@tl/core';
import { formatTransferTable } from '../../transfer/format-table.js';
import { learningCurveSpec, lossCurveSpec, renderSvg, scoreTableSpec, type LossDatum, type ScoreDatum } from './charts.js';

/** What `tl score --output` writes. */
export interface ScoreReport {
  readonly examples: number;
  readonly candidates: readonly { candidate: string; logme: number; leep: number | null; hscore: number; knn: number; fineTuned?: number }[];
  readonly kendallTau?: Readonly<Record<string, number | null>>;
}

export interface ReportInput {
  readonly title: string;
  /** Lines about the setup (tasks, model, machine), shown above the results. */
  readonly setup: readonly string[];
  readonly transfer: TransferResults;
  /** The transfer run folder (its runs/<name>/metrics.jsonl give the loss curves). */
  readonly transferDir: string;
  readonly scores?: ScoreReport;
  readonly outputDir: string;
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

async function lossCurves(input: ReportInput): Promise<LossDatum[]> {
  const budget = input.transfer.budgets.at(-1)!;
  const seed = input.transfer.seeds[0]!;
  const data: LossDatum[] = [];
  for (const condition of input.transfer.conditions) {
    const run = `${condition}-b${budget}-s${seed}`;
    const text = await readFile(join(input.transferDir, 'runs', run, 'metrics.jsonl'), 'utf8').catch(() => '');
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      const r = JSON.parse(line) as { step?: number; loss?: number };
      if (typeof r.step === 'number' && typeof r.loss === 'number') data.push({ run: condition, step: r.step, loss: r.loss });
    }
  }
  return data;
}

function scoreData(scores: ScoreReport): ScoreDatum[] {
  // Folder names, not paths: the axis labels stay readable.
  return scores.candidates.map((c) => ({ ...c, candidate: basename(c.candidate) })).flatMap((c) => [
    { candidate: c.candidate, score: 'LogME', value: c.logme },
    { candidate: c.candidate, score: 'H-score', value: c.hscore },
    { candidate: c.candidate, score: 'kNN accuracy', value: c.knn },
    ...(c.leep === null ? [] : [{ candidate: c.candidate, score: 'LEEP', value: c.leep }]),
  ]);
}

function scoreTable(scores: ScoreReport): string {
  const f = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(3));
  const rows = scores.candidates.map((c) => [basename(c.candidate), f(c.logme), f(c.leep), f(c.hscore), f(c.knn), f(c.fineTuned)]);
  const header = ['candidate', 'LogME', 'LEEP', 'H-score', 'kNN acc.', 'fine-tuned acc.'];
  const lines = [formatMarkdownTable(header, rows, { align: ['left', 'right', 'right', 'right', 'right', 'right'] })];
  if (scores.kendallTau) lines.push('', `Kendall τ against the fine-tuned accuracies: ${Object.entries(scores.kendallTau).map(([k, v]) => `${k} ${v === null ? '—' : v.toFixed(2)}`).join(', ')}`);
  return lines.join('\n');
}

/**
 * The demo's report: `report.html` (self-contained: the charts are inline SVG) and `report.md`
 * (the same tables as Markdown, the charts as SVG files beside it). Returns the HTML path.
 */
export async function writeReport(input: ReportInput): Promise<{ html: string; markdown: string }> {
  await mkdir(input.outputDir, { recursive: true });
  const t = input.transfer;
  const curveData = t.summary.map((s) => ({
    condition: s.condition,
    budget: s.budget,
    mean: 100 * s.accuracy.mean,
    low: 100 * (s.accuracy.mean - s.accuracy.std),
    high: 100 * (s.accuracy.mean + s.accuracy.std),
  }));
  const charts: { id: string; caption: string; svg: string }[] = [
    { id: 'learning-curves', caption: `Target accuracy by label budget, mean ± std over ${t.seeds.length} seeds`, svg: await renderSvg(learningCurveSpec(curveData, 'Learning curves: accuracy vs label budget')) },
    { id: 'loss-curves', caption: `Training loss at budget ${t.budgets.at(-1)} (seed ${t.seeds[0]})`, svg: await renderSvg(lossCurveSpec(await lossCurves(input), 'Training loss per step')) },
  ];
  if (input.scores) {
    charts.push({ id: 'transfer-scores', caption: `Transferability of the candidate checkpoints for the target task (${input.scores.examples} examples, frozen features)`, svg: await renderSvg(scoreTableSpec(scoreData(input.scores), 'Transfer scores')) });
  }
  for (const c of charts) await writeFile(join(input.outputDir, `${c.id}.svg`), c.svg);

  const transferTable = formatTransferTable(t);
  const markdown = [
    `# ${input.title}`,
    '',
    ...input.setup.map((l) => `- ${l}`),
    '',
    '## Transfer (target accuracy)',
    '',
    transferTable,
    '',
    ...charts.slice(0, 2).map((c) => `![${c.caption}](${c.id}.svg)`),
    ...(input.scores ? ['', '## Transfer scores (no fine-tuning)', '', scoreTable(input.scores), '', `![${charts[2]!.caption}](transfer-scores.svg)`] : []),
    '',
  ].join('\n');
  const mdPath = join(input.outputDir, 'report.md');
  await writeFile(mdPath, markdown);

  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(input.title)}</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; max-width: 980px; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; } td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
td:first-child, th:first-child { text-align: left; } figure { margin: 1.5em 0; } figcaption { color: #555; font-size: 13px; }
pre { background: #f6f6f6; padding: 8px; white-space: pre-wrap; }
</style></head>
<body>
<h1>${escape(input.title)}</h1>
<ul>${input.setup.map((l) => `<li>${escape(l)}</li>`).join('')}</ul>
<h2>Transfer: target accuracy</h2>
${markdownTable(transferTable)}
${charts.map((c) => `<figure id="${c.id}">${c.svg}<figcaption>${escape(c.caption)}</figcaption></figure>`).join('\n')}
${input.scores ? `<h2>Transfer scores</h2>\n${markdownTable(scoreTable(input.scores))}` : ''}
</body></html>
`;
  const htmlPath = join(input.outputDir, 'report.html');
  await writeFile(htmlPath, html);
  return { html: htmlPath, markdown: mdPath };
}

/** The few Markdown shapes the report uses (pipe tables, paragraphs, bullets) as HTML. */
function markdownTable(md: string): string {
  const out: string[] = [];
  let rows: string[][] = [];
  const flush = () => {
    if (rows.length === 0) return;
    const [head, , ...body] = rows;
    out.push(`<table><thead><tr>${head!.map((c) => `<th>${escape(c)}</th>`).join('')}</tr></thead><tbody>${body.map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`);
    rows = [];
  };
  for (const line of md.split('\n')) {
    // Cells split at unescaped pipes only: formatMarkdownTable writes a `|` in a name as `\|`.
    if (line.startsWith('|')) rows.push(line.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim().replaceAll('\\|', '|')));
    else {
      flush();
      if (line.startsWith('- ')) out.push(`<li>${escape(line.slice(2))}</li>`);
      else if (line.trim()) out.push(`<p>${escape(line)}</p>`);
    }
  }
  flush();
  return out.join('\n');
}
