/**
 * The LIKE pattern of every path under a region's (the region itself included).
 * Paths are ids and slashes, but a prefix test should never read `%` or `_` as wildcards.
 */
export function pathPrefixPattern(path: string): string {
  return `${path.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
