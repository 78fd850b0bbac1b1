/**
 * @module Rounding a filter to int8 so that the convolution's output, not each weight, stays closest to
 * float32 on calibration data: GPTQ (Frantar et al., 2022, "Accurate Post-Training Quantization for
 * Generative Pre-trained Transformers"), one output channel's scale fixed first (max |w| / 127), the
 * filter's columns rounded one at a time, each rounding's error spread over the columns not yet rounded
 * along the inverse of the inputs' second moments.
 */

const INT8_MAX = 127;

/** A filter [rows, columns] rounded to int8, one scale per row. */
export interface RoundedFilter {
  q: Int8Array;
  scales: Float32Array;
}

/** Round to nearest, one scale per row (max |w| / 127). */
export function roundToNearest(w: Float32Array, rows: number): RoundedFilter {
  const columns = w.length / rows;
  const scales = rowScales(w, rows);
  const q = new Int8Array(w.length);
  for (let r = 0; r < rows; r++)
    for (let k = r * columns; k < (r + 1) * columns; k++) q[k] = Math.round(w[k]! / scales[r]!);
  return { q, scales };
}

function rowScales(w: Float32Array, rows: number): Float32Array {
  const columns = w.length / rows;
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let peak = 0;
    for (let k = r * columns; k < (r + 1) * columns; k++) peak = Math.max(peak, Math.abs(w[k]!));
    scales[r] = peak > 0 ? peak / INT8_MAX : 1;
  }
  return scales;
}

/**
 * GPTQ: `w` [rows, columns] (row-major), `moments` the inputs' E[x xᵀ] [columns, columns] (x the column
 * vector a row multiplies). Columns are rounded in decreasing order of their input's energy (the
 * paper's "act order"), in blocks of at most `block` columns, each block's errors spread within it
 * only (exact for one block; the cost is block² a column); H dampened by 1 % of its mean diagonal, as
 * the paper does. A column no input reaches (zero diagonal) is rounded to nearest.
 */
export function gptq(
  w: Float32Array,
  rows: number,
  moments: Float64Array,
  { damp = 0.01, block = 1152 }: { damp?: number; block?: number } = {},
): RoundedFilter {
  const n = w.length / rows;
  const diagonal = Array.from({ length: n }, (_, i) => moments[i * n + i]!);
  const mean = diagonal.reduce((a, b) => a + b, 0) / n;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => diagonal[b]! - diagonal[a]!);
  const scales = rowScales(w, rows);
  const q = new Int8Array(w.length);
  for (let start = 0; start < n; start += block) {
    const columns = order.slice(start, start + block);
    const m = columns.length;
    const h = new Float64Array(m * m);
    columns.forEach((ci, i) => {
      columns.forEach((cj, j) => {
        h[i * m + j] = moments[ci * n + cj]!;
      });
    });
    const dead = columns.map((c) => diagonal[c]! <= 0);
    for (let i = 0; i < m; i++) {
      if (dead[i]) h[i * m + i] = 1;
      h[i * m + i]! += damp * (mean > 0 ? mean : 1);
    }
    const u = inverseCholeskyUpper(h, m);
    const work = new Float64Array(rows * m);
    for (let r = 0; r < rows; r++) for (let i = 0; i < m; i++) work[r * m + i] = w[r * n + columns[i]!]!;
    for (let k = 0; k < m; k++) {
      const d = u[k * m + k]!;
      for (let r = 0; r < rows; r++) {
        const at = r * m;
        const v = work[at + k]!;
        const level = Math.max(-INT8_MAX, Math.min(INT8_MAX, Math.round(v / scales[r]!)));
        q[r * n + columns[k]!] = level;
        if (dead[k]) continue;
        const err = (v - level * scales[r]!) / d;
        for (let j = k + 1; j < m; j++) work[at + j]! -= err * u[k * m + j]!;
      }
    }
  }
  return { q, scales };
}

/**
 * The upper Cholesky factor U of H⁻¹ (H⁻¹ = Uᵀ U), as GPTQ uses it, without forming H⁻¹: H = U⁻¹ U⁻ᵀ,
 * so with J the reversal, J H J = (J U⁻¹ J)(J U⁻¹ J)ᵀ is a Cholesky factorisation (J U⁻¹ J is lower):
 * U = J L⁻¹ J for L = chol(J H J). `h` symmetric positive definite [n, n]; overwritten.
 */
function inverseCholeskyUpper(h: Float64Array, n: number): Float64Array {
  // J H J in place: (i, j) ↔ (n − 1 − i, n − 1 − j)
  for (let i = 0; i < n * n; i++) {
    const j = n * n - 1 - i;
    if (j <= i) break;
    const t = h[i]!;
    h[i] = h[j]!;
    h[j] = t;
  }
  cholesky(h, n); // lower L in place
  // M = L⁻¹ (lower), row by row: M[i, j] = −(Σ_{k=j}^{i−1} L[i, k] M[k, j]) / L[i, i], M[i, i] = 1 / L[i, i]
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    const d = 1 / h[row + i]!;
    // accumulate Σ_k L[i, k] · M[k, 0..i−1] into m's row i (rows of M are contiguous)
    for (let k = 0; k < i; k++) {
      const l = h[row + k]!;
      if (l === 0) continue;
      const at = k * n;
      for (let j = 0; j <= k; j++) m[row + j]! -= l * m[at + j]!;
    }
    for (let j = 0; j < i; j++) m[row + j]! *= d;
    m[row + i] = d;
  }
  // U = J M J: U[i, j] = M[n − 1 − i, n − 1 − j]
  const u = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) u[i * n + j] = m[(n - 1 - i) * n + (n - 1 - j)]!;
  return u;
}

/** Lower Cholesky factor in place (the upper triangle is left as is). */
function cholesky(a: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
      if (i === j) {
        if (!(s > 0)) throw new Error("GPTQ: the inputs' second moments are not positive definite");
        a[ri + i] = Math.sqrt(s);
      } else a[ri + j] = s / a[rj + j]!;
    }
  }
}
