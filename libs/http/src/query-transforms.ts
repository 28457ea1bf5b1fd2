/**
 * A query string's `true` / `false` as a boolean, for `@Transform` on a query
 * DTO; anything else is left as it came, for the validator to refuse.
 */
export const toBooleanQuery = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;
