// @ts-check
/**
 * The bench scripts' flags: `--name=value`, or `--name` alone for `true`.
 * With `known`, any other flag is refused rather than ignored.
 * @param {string[]} argv @param {Set<string>} [known] @returns {Record<string, string | undefined>}
 */
export function parseFlags(argv, known) {
  /** @type {Record<string, string | undefined>} */
  const parsed = {};
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match || (known && !known.has(match[1]))) throw new Error(`Unknown argument ${arg}`);
    parsed[match[1]] = match[2] ?? 'true';
  }
  return parsed;
}
