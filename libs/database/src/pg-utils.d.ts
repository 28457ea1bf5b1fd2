declare module 'pg/lib/utils' {
  /** pg's conversion of a parameter to what it sends: a string, a Buffer or null. Throws on what it cannot send. */
  export function prepareValue(value: unknown): unknown;
}
