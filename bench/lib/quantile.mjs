// @ts-check
/**
 * The q-quantile of ascending values (nearest rank): the value at or below
 * which a fraction q of them fall; NaN when there are none.
 * @param {ArrayLike<number>} sorted @param {number} q
 */
export const quantile = (sorted, q) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
