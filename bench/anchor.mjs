import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** shared/ sits beside the repository (CI copies it there). */
const ANCHOR = join(here, '..', '..', 'shared', 'anchors', 'torch_cpu_bert.py');

/**
 * Runs the PyTorch CPU anchor in this benchmark's process tree, so ratios compare runs on the same
 * machine at the same time. Returns undefined (and says why) when python3-torch is not installed.
 */
export function runTorchAnchor(shape, steps = 5, batch = 32) {
  if (!existsSync(ANCHOR)) {
    console.error(`anchor: ${ANCHOR} not found; skipping the PyTorch comparison`);
    return undefined;
  }
  try {
    const out = execFileSync('/usr/bin/python3', [ANCHOR, shape, String(steps), String(batch)], { encoding: 'utf8' });
    return JSON.parse(out.trim().split('\n').pop());
  } catch (e) {
    console.error(`anchor: PyTorch anchor failed (${e.message.split('\n')[0]}); install python3-torch libopenblas0-pthread`);
    return undefined;
  }
}
