import { FAULT_SCALE } from './scale';

export type Figures = Record<string, string | number | boolean>;

/**
 * Prints a fault test's figures as one block (jest shows it with the test's
 * output): what happened and how long it took, never asserted on time.
 */
export function printFigures(title: string, figures: Figures): void {
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  const lines = Object.entries(figures).map(([k, v]) => `  ${k.padEnd(width)}  ${String(v)}`);
  console.log(`\n${title} [FAULT_SCALE=${FAULT_SCALE}]\n${lines.join('\n')}\n`);
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
