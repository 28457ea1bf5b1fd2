/**
 * How big a fault test runs: `quick` (the default, part of `npm test` and CI)
 * or `full` (`npm run test:faults`, FAULT_SCALE=full). Each test names its two
 * sizes next to its description, so a reader sees what each run proves.
 */
export type FaultScale = 'quick' | 'full';

export const FAULT_SCALE: FaultScale = process.env.FAULT_SCALE === 'full' ? 'full' : 'quick';

export function atScale<T>(sizes: Record<FaultScale, T>): T {
  return sizes[FAULT_SCALE];
}
