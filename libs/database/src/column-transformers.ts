import { ValueTransformer } from 'typeorm';

/**
 * PostgreSQL bigint arrives as a string (it may exceed 2^53). Our amounts in fen
 * stay far below that; a value that does not fit is a bug, and fails loudly.
 */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => {
    if (value === null) return null;
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw new Error(`bigint ${value} exceeds the safe integer range`);
    return n;
  },
};
