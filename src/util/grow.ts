/** `a` copied into an array of at least `min + 1` slots (doubling), the new slots set to `fill`. */
export function grownTo(a: Int32Array, min: number, fill: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(Math.max(a.length * 2, min + 1)).fill(fill);
  grown.set(a);
  return grown;
}
