import { loadAddon } from './dist/index.js';
const { addon, meta } = loadAddon();
addon.setThreads(Number(process.argv[2] ?? 2));
const mk = (shape) => addon.write(new Float32Array(shape.reduce((a,b)=>a*b,1)).fill(1.5), shape, 0, -1);
const a = mk([4096, 1024]), w = mk([1024, 256]);
const f = () => { addon.matmul(a, w, false, false, -1, 'linear', 0, -1, false); addon.dispose(meta[1]); };
f(); const t0 = performance.now(); for (let i = 0; i < 10; i++) f(); console.log('node threads', process.argv[2], ((performance.now() - t0) / 10).toFixed(1), 'ms');
