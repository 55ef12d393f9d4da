import type { AdamWFloat32Constants } from '@tl/core';
import type { MultiOutputProgram, ProgramUniform } from '../../tfjs/multi-output-dispatch.js';

const WORKGROUP = 64;

// One constant (the program object is made per parameter and step; the text is compiled once).
const CODE = `
struct Uniforms {
  size : u32, stride : u32, lerpHigh : u32, w : f32, gradScale : f32,
  beta2 : f32, oneMinusBeta2 : f32, decay : f32, bc2Sqrt : f32, eps : f32, negStepSize : f32,
};
@group(0) @binding(0) var<storage, read_write> paramOut : array<f32>;
@group(0) @binding(1) var<storage, read_write> expAvgOut : array<f32>;
@group(0) @binding(2) var<storage, read_write> expAvgSqOut : array<f32>;
@group(0) @binding(3) var<storage, read> param : array<f32>;
@group(0) @binding(4) var<storage, read> grad : array<f32>;
@group(0) @binding(5) var<storage, read> expAvg : array<f32>;
@group(0) @binding(6) var<storage, read> expAvgSq : array<f32>;
@group(0) @binding(7) var<uniform> u : Uniforms;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid : vec3<u32>) {
  for (var i = gid.x; i < u.size; i = i + u.stride) {
    let g = grad[i] * u.gradScale;
    let m = expAvg[i];
    var m1 : f32;
    // torch.lerp's two forms (weight below / from 0.5), as the three-program kernel.
    if (u.lerpHigh == 0u) { m1 = m + (g - m) * u.w; } else { m1 = g - (g - m) * (1.0 - u.w); }
    let v1 = expAvgSq[i] * u.beta2 + (g * g) * u.oneMinusBeta2;
    let denom = sqrt(v1) / u.bc2Sqrt + u.eps;
    paramOut[i] = param[i] * u.decay + (m1 / denom) * u.negStepSize;
    expAvgOut[i] = m1;
    expAvgSqOut[i] = v1;
  }
}`;

/**
 * TL_ADAMW_UPDATE in one dispatch: each invocation reads a parameter's p, g, m, v once and writes
 * p', m', v' (tfjs programs have one output each, so the three-program form reads g, m and v
 * twice and costs three dispatches per parameter). The arithmetic is the three programs', in
 * their order (adamw-webgpu.ts). A grid-stride loop, so one row of workgroups covers any size
 * within the device's per-dimension limit.
 */
export class AdamWOnePassProgram implements MultiOutputProgram {
  readonly shaderKey = 'tl_adamw_one_pass';
  readonly name = 'AdamWOnePassProgram';
  readonly dispatch: readonly [number, number, number];
  readonly stride: number;

  constructor(readonly size: number, maxWorkgroups: number) {
    const groups = Math.max(1, Math.min(Math.ceil(size / WORKGROUP), maxWorkgroups));
    this.dispatch = [groups, 1, 1];
    this.stride = groups * WORKGROUP;
  }

  /** The uniforms in the order of the shader's struct, from core's float32 constants of the update. */
  uniforms(c: AdamWFloat32Constants): ProgramUniform {
    const u32 = (x: number) => ({ type: 'uint32' as const, data: [x] });
    const f32 = (x: number) => ({ type: 'float32' as const, data: [x] });
    return [
      u32(this.size), u32(this.stride), u32(c.lerpSmall ? 0 : 1), f32(c.lerpWeight), f32(c.gradScale),
      f32(c.beta2), f32(c.oneMinusBeta2), f32(c.decay), f32(c.biasCorrection2Sqrt), f32(c.eps), f32(c.negStepSize),
    ];
  }

  readonly code = CODE;
}
