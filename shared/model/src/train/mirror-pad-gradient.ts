/**
 * @module A correct gradient for `MirrorPad`. TF.js 4.22 returns only the centre of dy, dropping what
 * flowed through the mirrored border; every reflection-padded conv of U-GAT-IT would train wrong.
 */
import * as tf from "@tensorflow/tfjs-core";

/** dy of one axis folded back onto x: the centre plus each mirrored border, reversed, where it came from. */
function foldAxis(dy: tf.Tensor, axis: number, before: number, after: number, n: number, offset: 0 | 1) {
  const along = (start: number, size: number) => {
    const begin = dy.shape.map((_, i) => (i === axis ? start : 0));
    const sizes = dy.shape.map((d, i) => (i === axis ? size : d));
    return tf.slice(dy, begin, sizes);
  };
  const placed = (t: tf.Tensor, at: number) =>
    tf.pad(
      tf.reverse(t, axis),
      t.shape.map((_, i): [number, number] => (i === axis ? [at, n - at - (t.shape[i] as number)] : [0, 0])),
    );
  // reflect: padded index before − 1 − i mirrors x index i + 1; symmetric: x index i (offset 0)
  let dx = along(before, n);
  if (before > 0) dx = tf.add(dx, placed(along(0, before), offset));
  if (after > 0) dx = tf.add(dx, placed(along(before + n, after), n - after - offset));
  return dx;
}

/** Registers the corrected MirrorPad gradient (reflect and symmetric modes) in TF.js's registry. */
export function registerMirrorPadGradient(): void {
  tf.registerGradient({
    kernelName: tf.MirrorPad,
    inputsToSave: ["x"],
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0] as tf.Tensor;
      const { paddings, mode } = attrs as unknown as tf.MirrorPadAttrs;
      const offset = mode === "reflect" ? 1 : 0;
      return {
        x: () =>
          paddings.reduce(
            (g, [before, after], axis) =>
              before === 0 && after === 0
                ? g
                : foldAxis(g, axis, before, after, x.shape[axis] as number, offset),
            dy as tf.Tensor,
          ),
      };
    },
  });
}
