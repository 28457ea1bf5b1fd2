export * from './area';
export * from './coefficient';
export {
  formatHundredths,
  toHundredths,
  type DecimalRefusal,
  type HundredthsResult,
} from './decimal';
export * from './money';
export * from './safe-integer';
export * from './unit-error';
