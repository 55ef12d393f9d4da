/**
 * Generates the WebAssembly text of tl's SIMD kernels (packages/core/src/backend/kernels/wasm/simd).
 * The text is generated because the GEMM micro-kernels are register-tiled: one function per tile
 * height, fully unrolled over the tile, which is mechanical to write and error-prone by hand.
 * `build-simd-kernels.mjs` assembles it with wabt into the module the kernels load.
 *
 * GEMM: C[m×n] (+)= A[m×k]·B[k×n], all float32 on the heap that tfjs-backend-wasm's module owns
 * (the module imports that memory). A is addressed by two strides (row, depth) so Aᵀ needs no
 * copy; B and C are row-major with leading dimensions ldb, ldc. Blocking: depth in KC slices, rows in
 * MC blocks, columns in 8-wide (two f32x4) panels; the micro-kernel keeps an MR×8 tile of C in
 * registers and, per depth step, broadcasts one A value per row against two B vectors, as
 * XNNPACK's "loadsplat" kernels do — but reading B in place, with no packing pass.
 */
export const MR = 6;
export const KC = 256;
export const MC = 72;
export const NC = 256;
/** Bytes of scratch the caller passes to `gemm` (the packed B block). */
export const GEMM_SCRATCH_BYTES = KC * NC * 4;

function microKernel(mr) {
  const acc = [];
  for (let r = 0; r < mr; r++) acc.push(`$c${r}0`, `$c${r}1`);
  const L = [];
  L.push(`  ;; C[${mr}×8] tile: (pa, rowStrideBytes, depthStrideBytes, pb, ldbBytes, pc, ldcBytes, kc, loadC)`);
  L.push(`  (func $mk${mr} (param $pa i32) (param $sr i32) (param $sk i32) (param $pb i32) (param $ldb i32) (param $pc i32) (param $ldc i32) (param $kc i32) (param $load i32)`);
  for (let r = 0; r < mr; r++) L.push(`    (local $p${r} i32)`);
  L.push(`    (local $b0 v128) (local $b1 v128) (local $av v128)`);
  for (const a of acc) L.push(`    (local ${a} v128)`);
  for (let r = 0; r < mr; r++) {
    L.push(`    (local.set $p${r} ${r === 0 ? '(local.get $pa)' : `(i32.add (local.get $p${r - 1}) (local.get $sr))`})`);
  }
  L.push(`    (if (local.get $load) (then`);
  for (let r = 0; r < mr; r++) {
    const addr = r === 0 ? '(local.get $pc)' : `(i32.add (local.get $pc) (i32.mul (local.get $ldc) (i32.const ${r})))`;
    L.push(`      (local.set $c${r}0 (v128.load ${addr}))`);
    L.push(`      (local.set $c${r}1 (v128.load offset=16 ${addr}))`);
  }
  L.push(`    ))`);
  L.push(`    (if (i32.gt_s (local.get $kc) (i32.const 0)) (then (loop $k`);
  L.push(`      (local.set $b0 (v128.load (local.get $pb)))`);
  L.push(`      (local.set $b1 (v128.load offset=16 (local.get $pb)))`);
  for (let r = 0; r < mr; r++) {
    L.push(`      (local.set $av (v128.load32_splat (local.get $p${r})))`);
    L.push(`      (local.set $c${r}0 (f32x4.add (local.get $c${r}0) (f32x4.mul (local.get $av) (local.get $b0))))`);
    L.push(`      (local.set $c${r}1 (f32x4.add (local.get $c${r}1) (f32x4.mul (local.get $av) (local.get $b1))))`);
    L.push(`      (local.set $p${r} (i32.add (local.get $p${r}) (local.get $sk)))`);
  }
  L.push(`      (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))`);
  L.push(`      (br_if $k (local.tee $kc (i32.sub (local.get $kc) (i32.const 1))))`);
  L.push(`    )))`);
  for (let r = 0; r < mr; r++) {
    const addr = r === 0 ? '(local.get $pc)' : `(i32.add (local.get $pc) (i32.mul (local.get $ldc) (i32.const ${r})))`;
    L.push(`    (v128.store ${addr} (local.get $c${r}0))`);
    L.push(`    (v128.store offset=16 ${addr} (local.get $c${r}1))`);
  }
  L.push(`  )`);
  return L.join('\n');
}

function dispatch() {
  // Calls the micro-kernel for tile height $mr (1..MR).
  const args = '(local.get $pa) (local.get $sr) (local.get $sk) (local.get $pb) (local.get $ldbB) (local.get $pc) (local.get $ldcB) (local.get $kc) (local.get $load)';
  let s = `(call $mk1 ${args})`;
  for (let h = 2; h <= MR; h++) s = `(if (i32.eq (local.get $mr) (i32.const ${h})) (then (call $mk${h} ${args})) (else ${s}))`;
  return s;
}

/** f32x4 constant. */
const f4 = (v) => `(v128.const f32x4 ${v} ${v} ${v} ${v})`;

/**
 * exp on f32x4 in ${v} (clobbers $t, $u, $n): Cephes expf — range reduction x = n·ln2 + r with ln2
 * split in two, a degree-6 polynomial for e^r — and 2^n applied as two factors 2^⌊n/2⌋·2^(n−⌊n/2⌋)
 * built in the exponent bits, so n from −150 to 128 stays exact: gradual underflow to denormals
 * and overflow to +Inf as float32 rounding of Math.exp gives. NaN passes through.
 */
function expBody(v) {
  return `
    (local.set $t (f32x4.max (f32x4.min (local.get ${v}) ${f4('88.72283935546875')}) ${f4('-103.972084045410')}))
    (local.set $n (f32x4.floor (f32x4.add (f32x4.mul (local.get $t) ${f4('1.44269504088896341')}) ${f4('0.5')})))
    (local.set $t (f32x4.sub (f32x4.sub (local.get $t) (f32x4.mul (local.get $n) ${f4('0.693359375')}))
                             (f32x4.mul (local.get $n) ${f4('-2.12194440e-4')})))
    (local.set $u ${f4('1.9875691500e-4')})
    (local.set $u (f32x4.add (f32x4.mul (local.get $u) (local.get $t)) ${f4('1.3981999507e-3')}))
    (local.set $u (f32x4.add (f32x4.mul (local.get $u) (local.get $t)) ${f4('8.3334519073e-3')}))
    (local.set $u (f32x4.add (f32x4.mul (local.get $u) (local.get $t)) ${f4('4.1665795894e-2')}))
    (local.set $u (f32x4.add (f32x4.mul (local.get $u) (local.get $t)) ${f4('1.6666665459e-1')}))
    (local.set $u (f32x4.add (f32x4.mul (local.get $u) (local.get $t)) ${f4('5.0000001201e-1')}))
    (local.set $u (f32x4.add (f32x4.add (f32x4.mul (local.get $u) (f32x4.mul (local.get $t) (local.get $t))) (local.get $t)) ${f4('1')}))
    (local.set $n (i32x4.trunc_sat_f32x4_s (local.get $n)))
    (local.set $t (i32x4.shr_s (local.get $n) (i32.const 1)))
    (local.set $u (f32x4.mul (local.get $u)
      (i32x4.shl (i32x4.add (local.get $t) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
    (local.set $u (f32x4.mul (local.get $u)
      (i32x4.shl (i32x4.add (i32x4.sub (local.get $n) (local.get $t)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
    (local.set $u (v128.bitselect ${f4('inf')} (local.get $u) (f32x4.gt (local.get ${v}) ${f4('88.72283935546875')})))
    (local.set $u (v128.bitselect ${f4('0')} (local.get $u) (f32x4.lt (local.get ${v}) ${f4('-103.972084045410')})))
    (local.set $u (v128.bitselect (local.get ${v}) (local.get $u) (f32x4.ne (local.get ${v}) (local.get ${v}))))`;
}

/**
 * A unary elementwise export over n floats: 4 at a time through \`body\` (input in $v and $x0, which
 * the body must not change; result in $u), the tail through the same body on a splatted lane.
 */
function unary(name, body) {
  return `
  (func (export "${name}") (param $x i32) (param $out i32) (param $count i32)
    (local $v v128) (local $t v128) (local $u v128) (local $n v128) (local $w v128) (local $x0 v128) (local $end i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
    (block $done (loop $vec
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (local.set $v (v128.load (local.get $x)))
      (local.set $x0 (local.get $v))
      ${body}
      (v128.store (local.get $out) (local.get $u))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $vec)))
    (local.set $count (i32.and (local.get $count) (i32.const 3)))
    (block $tdone (loop $tail
      (br_if $tdone (i32.eqz (local.get $count)))
      (local.set $v (f32x4.splat (f32.load (local.get $x))))
      (local.set $x0 (local.get $v))
      ${body}
      (f32.store (local.get $out) (f32x4.extract_lane 0 (local.get $u)))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (local.set $count (i32.sub (local.get $count) (i32.const 1)))
      (br $tail))))`;
}

/** erf as tfjs's cpu kernel computes it (Abramowitz & Stegun 7.1.26), with the SIMD exp. */
function erfBody() {
  return `
    (local.set $w (f32x4.abs (local.get $v)))
    (local.set $v (f32x4.neg (f32x4.mul (local.get $w) (local.get $w))))
    ${expBody('$v')}
    ;; $u = exp(-x²); t = 1 / (1 + p·|x|)
    (local.set $t (f32x4.div ${f4('1')} (f32x4.add ${f4('1')} (f32x4.mul ${f4('0.3275911')} (local.get $w)))))
    (local.set $n ${f4('1.061405429')})
    (local.set $n (f32x4.add (f32x4.mul (local.get $n) (local.get $t)) ${f4('-1.453152027')}))
    (local.set $n (f32x4.add (f32x4.mul (local.get $n) (local.get $t)) ${f4('1.421413741')}))
    (local.set $n (f32x4.add (f32x4.mul (local.get $n) (local.get $t)) ${f4('-0.284496736')}))
    (local.set $n (f32x4.add (f32x4.mul (local.get $n) (local.get $t)) ${f4('0.254829592')}))
    (local.set $n (f32x4.sub ${f4('1')} (f32x4.mul (f32x4.mul (local.get $n) (local.get $t)) (local.get $u))))
    ;; copy the sign of x (NaN stays NaN through the arithmetic)
    (local.set $u (v128.or (v128.and (local.get $n) (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff))
                           (v128.and (local.get $x0) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))))`;
}

/** out[o, i] = Σ_r x[o, r, i] (float32, accumulated in float32 as tfjs-wasm's Sum does). */
function sumWat() {
  return `
  (func (export "sumAxis") (param $x i32) (param $out i32) (param $outer i32) (param $red i32) (param $inner i32)
    (local $o i32) (local $r i32) (local $i i32) (local $p i32) (local $q i32) (local $end i32) (local $inner4 i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $s f32)
    (if (i32.le_s (local.get $outer) (i32.const 0)) (then (return)))
    (if (i32.eq (local.get $inner) (i32.const 1)) (then
      ;; contiguous rows: four vector accumulators, then a horizontal sum and the scalar tail
      (local.set $p (local.get $x))
      (loop $rows
        (local.set $a0 (v128.const i32x4 0 0 0 0)) (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0)) (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $end (i32.add (local.get $p) (i32.shl (i32.and (local.get $red) (i32.const -16)) (i32.const 2))))
        (block $d16 (loop $l16
          (br_if $d16 (i32.ge_u (local.get $p) (local.get $end)))
          (local.set $a0 (f32x4.add (local.get $a0) (v128.load (local.get $p))))
          (local.set $a1 (f32x4.add (local.get $a1) (v128.load offset=16 (local.get $p))))
          (local.set $a2 (f32x4.add (local.get $a2) (v128.load offset=32 (local.get $p))))
          (local.set $a3 (f32x4.add (local.get $a3) (v128.load offset=48 (local.get $p))))
          (local.set $p (i32.add (local.get $p) (i32.const 64)))
          (br $l16)))
        (local.set $a0 (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3))))
        (local.set $s (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
                               (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))
        (local.set $r (i32.and (local.get $red) (i32.const 15)))
        (block $dt (loop $lt
          (br_if $dt (i32.eqz (local.get $r)))
          (local.set $s (f32.add (local.get $s) (f32.load (local.get $p))))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (local.set $r (i32.sub (local.get $r) (i32.const 1)))
          (br $lt)))
        (f32.store (local.get $out) (local.get $s))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br_if $rows (local.tee $outer (i32.sub (local.get $outer) (i32.const 1)))))
      (return)))
    ;; strided reduction: stream x row by row, accumulating into the output row (kept in cache)
    (local.set $inner4 (i32.and (local.get $inner) (i32.const -4)))
    (local.set $p (local.get $x))
    (loop $outers
      (local.set $i (i32.const 0))
      (block $zd (loop $zero
        (br_if $zd (i32.ge_s (local.get $i) (local.get $inner)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2))) (f32.const 0))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $zero)))
      (local.set $r (i32.const 0))
      (block $rd (loop $reds
        (br_if $rd (i32.ge_s (local.get $r) (local.get $red)))
        (local.set $q (local.get $out))
        (local.set $end (i32.add (local.get $p) (i32.shl (local.get $inner4) (i32.const 2))))
        (block $vd (loop $vec
          (br_if $vd (i32.ge_u (local.get $p) (local.get $end)))
          (v128.store (local.get $q) (f32x4.add (v128.load (local.get $q)) (v128.load (local.get $p))))
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (local.set $q (i32.add (local.get $q) (i32.const 16)))
          (br $vec)))
        (local.set $i (local.get $inner4))
        (block $sd (loop $sca
          (br_if $sd (i32.ge_s (local.get $i) (local.get $inner)))
          (f32.store (local.get $q) (f32.add (f32.load (local.get $q)) (f32.load (local.get $p))))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (local.set $q (i32.add (local.get $q) (i32.const 4)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $sca)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $reds)))
      (local.set $out (i32.add (local.get $out) (i32.shl (local.get $inner) (i32.const 2))))
      (br_if $outers (local.tee $outer (i32.sub (local.get $outer) (i32.const 1))))))`;
}

/** Pages (64 KiB) a GEMM worker's shared memory may grow to: 2 GiB (reserved address space only). */
export const SHARED_MEMORY_MAX_PAGES = 32768;

/**
 * The module text. `sharedMemory`: import a shared memory instead (for GEMM worker threads, which
 * need their own memory that the main thread can also see; tfjs's heap is not shared in Node).
 */
export function simdKernelsWat({ sharedMemory = false } = {}) {
  const kernels = [];
  for (let h = 1; h <= MR; h++) kernels.push(microKernel(h));
  const min = (x, y) => `(select ${x} ${y} (i32.lt_s ${x} ${y}))`;
  return `;; Generated by packages/core/scripts/simd-kernels.wat.mjs — edit the generator, not this text.
(module
  (import "env" "memory" ${sharedMemory ? `(memory 1 ${SHARED_MEMORY_MAX_PAGES} shared)` : '(memory 0)'})
${kernels.join('\n')}
${unary('expF32', expBody('$v'))}
${unary('erfF32', erfBody())}
${sumWat()}

  ;; C[m×n] = (acc ? C : 0) + A·B. Strides in elements: A(i,p) at a + 4·(i·rsA + p·csA);
  ;; B(p,j) at b + 4·(p·ldb + j); C(i,j) at c + 4·(i·ldc + j). scratch: ${KC * NC * 4} bytes, 16-aligned.
  (func (export "gemm") (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $n i32) (param $k i32)
        (param $rsA i32) (param $csA i32) (param $ldb i32) (param $ldc i32) (param $acc i32) (param $scratch i32)
    (local $k0 i32) (local $kc i32) (local $i0 i32) (local $mc i32) (local $jb i32) (local $nb i32) (local $q i32)
    (local $ii i32) (local $mr i32) (local $n8 i32) (local $load i32) (local $sr i32) (local $sk i32)
    (local $ldbB i32) (local $ldcB i32) (local $pa i32) (local $pb i32) (local $pc i32) (local $src i32) (local $dst i32)
    (local $i i32) (local $j i32) (local $p i32) (local $s f32)
    (local.set $n8 (i32.and (local.get $n) (i32.const -8)))
    (local.set $sr (i32.shl (local.get $rsA) (i32.const 2)))
    (local.set $sk (i32.shl (local.get $csA) (i32.const 2)))
    (local.set $ldcB (i32.shl (local.get $ldc) (i32.const 2)))
    ;; Micro-kernels read packed B: one 8-wide panel = kc rows of 32 bytes.
    (local.set $ldbB (i32.const 32))
    (if (i32.or (i32.le_s (local.get $m) (i32.const 0)) (i32.le_s (local.get $n) (i32.const 0))) (then (return)))
    (local.set $k0 (i32.const 0))
    (loop $kblocks
      (local.set $kc ${min('(i32.sub (local.get $k) (local.get $k0))', `(i32.const ${KC})`)})
      (local.set $load (i32.or (local.get $acc) (i32.gt_s (local.get $k0) (i32.const 0))))
      (local.set $jb (i32.const 0))
      (block $jbdone (loop $jblocks
        (br_if $jbdone (i32.ge_s (local.get $jb) (local.get $n8)))
        (local.set $nb ${min('(i32.sub (local.get $n8) (local.get $jb))', `(i32.const ${NC})`)})
        ;; Pack B[k0:k0+kc, jb:jb+nb] panel by panel (sequential reads of B's rows).
        (local.set $p (i32.const 0))
        (block $pkdone (loop $pk
          (br_if $pkdone (i32.ge_s (local.get $p) (local.get $kc)))
          (local.set $src (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (i32.add (local.get $k0) (local.get $p)) (local.get $ldb)) (local.get $jb)) (i32.const 2))))
          (local.set $dst (i32.add (local.get $scratch) (i32.shl (local.get $p) (i32.const 5))))
          (local.set $q (i32.const 0))
          (loop $pq
            (v128.store (local.get $dst) (v128.load (local.get $src)))
            (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $src)))
            (local.set $src (i32.add (local.get $src) (i32.const 32)))
            (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $kc) (i32.const 5))))
            (br_if $pq (i32.lt_s (local.tee $q (i32.add (local.get $q) (i32.const 8))) (local.get $nb))))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $pk)))
        (local.set $i0 (i32.const 0))
        (loop $iblocks
          (local.set $mc ${min('(i32.sub (local.get $m) (local.get $i0))', `(i32.const ${MC})`)})
          (local.set $q (i32.const 0))
          (loop $panels
            (local.set $ii (i32.const 0))
            (loop $tiles
              (local.set $mr ${min('(i32.sub (local.get $mc) (local.get $ii))', `(i32.const ${MR})`)})
              (local.set $pa (i32.add (local.get $a) (i32.shl (i32.add
                (i32.mul (i32.add (local.get $i0) (local.get $ii)) (local.get $rsA))
                (i32.mul (local.get $k0) (local.get $csA))) (i32.const 2))))
              (local.set $pb (i32.add (local.get $scratch) (i32.mul (i32.shl (local.get $q) (i32.const 2)) (local.get $kc))))
              (local.set $pc (i32.add (local.get $c) (i32.shl (i32.add
                (i32.mul (i32.add (local.get $i0) (local.get $ii)) (local.get $ldc))
                (i32.add (local.get $jb) (local.get $q))) (i32.const 2))))
              ${dispatch()}
              (local.set $ii (i32.add (local.get $ii) (local.get $mr)))
              (br_if $tiles (i32.lt_s (local.get $ii) (local.get $mc))))
            (br_if $panels (i32.lt_s (local.tee $q (i32.add (local.get $q) (i32.const 8))) (local.get $nb))))
          (local.set $i0 (i32.add (local.get $i0) (i32.const ${MC})))
          (br_if $iblocks (i32.lt_s (local.get $i0) (local.get $m))))
        (local.set $jb (i32.add (local.get $jb) (i32.const ${NC})))
        (br $jblocks)))
      ;; Columns past the last full 8-wide panel: scalar dot products over this depth block.
      (local.set $j (local.get $n8))
      (block $tdone (loop $tail
        (br_if $tdone (i32.ge_s (local.get $j) (local.get $n)))
        (local.set $i (i32.const 0))
        (loop $trows
          (local.set $pc (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $ldc)) (local.get $j)) (i32.const 2))))
          (local.set $s (select (f32.load (local.get $pc)) (f32.const 0) (local.get $load)))
          (local.set $p (local.get $k0))
          (block $pdone (loop $dot
            (br_if $pdone (i32.ge_s (local.get $p) (i32.add (local.get $k0) (local.get $kc))))
            (local.set $s (f32.add (local.get $s) (f32.mul
              (f32.load (i32.add (local.get $a) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $rsA)) (i32.mul (local.get $p) (local.get $csA))) (i32.const 2))))
              (f32.load (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $p) (local.get $ldb)) (local.get $j)) (i32.const 2)))))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $dot)))
          (f32.store (local.get $pc) (local.get $s))
          (br_if $trows (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $m))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $tail)))
      (local.set $k0 (i32.add (local.get $k0) (i32.const ${KC})))
      (br_if $kblocks (i32.lt_s (local.get $k0) (local.get $k))))
  )
)
`;
}
