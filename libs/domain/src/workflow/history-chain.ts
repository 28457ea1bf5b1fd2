import { createHash } from 'node:crypto';

export type JsonValue =
  null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** One decision or event in an application's history, as signed and stored. */
export interface HistoryEntry {
  readonly applicationId: string;
  /** 1, 2, … per application. */
  readonly seq: number;
  readonly type: string;
  readonly from: string | null;
  readonly to: string | null;
  /** null for the system (timers). */
  readonly actorId: string | null;
  readonly actorName: string | null;
  readonly actorRole: string;
  readonly opinion: string | null;
  readonly signature: string | null;
  readonly corrections: JsonValue | null;
  /** An ISO 8601 instant; hashed as the instant, so its offset or format cannot matter. */
  readonly at: string;
}

export interface ChainedHistoryEntry extends HistoryEntry {
  readonly prevHash: string;
  readonly hash: string;
}

/** The prevHash of entry 1. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * JSON with object keys sorted (by UTF-16 code units) at every depth, so the
 * key order a database returns (jsonb reorders keys) cannot change a hash.
 * Keys whose value is `undefined` are left out, as JSON.stringify does;
 * non-finite numbers and non-JSON values throw.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot hash the number ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (typeof value === 'object') {
    const fields = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`);
    return `{${fields.join(',')}}`;
  }
  throw new TypeError(`cannot hash a ${typeof value}`);
}

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

const isInstant = (at: string): boolean => ISO_INSTANT.test(at) && !Number.isNaN(Date.parse(at));

/** The same instant hashes the same whatever its offset: `…T08:00:00+08:00` = `…T00:00:00.000Z`. */
function instant(at: string): string {
  if (!isInstant(at)) throw new RangeError(`history entry time ${at} is not an ISO instant`);
  return new Date(Date.parse(at)).toISOString();
}

/** Only the entry's own fields are hashed: an id, hash or prevHash property on it is ignored. */
function hashedFields(entry: HistoryEntry): Record<keyof HistoryEntry, JsonValue> {
  return {
    applicationId: entry.applicationId,
    seq: entry.seq,
    type: entry.type,
    from: entry.from,
    to: entry.to,
    actorId: entry.actorId,
    actorName: entry.actorName,
    actorRole: entry.actorRole,
    opinion: entry.opinion,
    signature: entry.signature,
    corrections: entry.corrections,
    at: instant(entry.at),
  };
}

/** SHA-256 (hex) of the canonical form of `{ entry, prevHash }`. */
export function hashEntry(entry: HistoryEntry, prevHash: string): string {
  const canonical = canonicalJson({ entry: hashedFields(entry), prevHash });
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/** Link a new entry after `previous` (null for the first entry). */
export function chainEntry(
  entry: HistoryEntry,
  previous: ChainedHistoryEntry | null,
): ChainedHistoryEntry {
  const prevHash = previous === null ? GENESIS_HASH : previous.hash;
  return { ...entry, prevHash, hash: hashEntry(entry, prevHash) };
}

/** Link a new entry after the head hash of its chain (null: the chain is empty). */
export function chainEntryAfter(entry: HistoryEntry, headHash: string | null): ChainedHistoryEntry {
  const prevHash = headHash ?? GENESIS_HASH;
  return { ...entry, prevHash, hash: hashEntry(entry, prevHash) };
}

/** Chain a whole history from scratch (seq must already be 1, 2, …). */
export function chainEntries(entries: readonly HistoryEntry[]): ChainedHistoryEntry[] {
  const chained: ChainedHistoryEntry[] = [];
  for (const entry of entries) chained.push(chainEntry(entry, chained.at(-1) ?? null));
  return chained;
}

export type ChainBreak =
  | 'SEQ_OUT_OF_ORDER' // not 1, 2, 3 … in the order given: an entry removed, added or moved
  | 'OTHER_APPLICATION' // an entry of another application's history
  | 'PREV_HASH_MISMATCH' // not linked to the entry before it
  | 'HASH_MISMATCH' // the entry was changed after it was hashed
  | 'HEAD_MISMATCH'; // the chain does not end at the head recorded apart: cut short, or recomputed

export type ChainVerification =
  | { readonly valid: true; readonly length: number; readonly headHash: string }
  | {
      readonly valid: false;
      readonly length: number;
      /** The seq expected at the first position that fails: the chain is sound before it. */
      readonly firstBrokenSeq: number;
      readonly reason: ChainBreak;
    };

function breakAt(entries: readonly ChainedHistoryEntry[], i: number): ChainBreak | null {
  const entry = entries[i];
  if (entry.seq !== i + 1) return 'SEQ_OUT_OF_ORDER';
  if (entry.applicationId !== entries[0].applicationId) return 'OTHER_APPLICATION';
  if (entry.prevHash !== (i === 0 ? GENESIS_HASH : entries[i - 1].hash)) {
    return 'PREV_HASH_MISMATCH';
  }
  if (!isInstant(entry.at)) return 'HASH_MISMATCH';
  return entry.hash === hashEntry(entry, entry.prevHash) ? null : 'HASH_MISMATCH';
}

/**
 * Recomputes every hash and checks the links and the seq, in the order given
 * (the database's `ORDER BY seq`). A chain cannot show that entries were cut
 * off its end, or that it was recomputed as a whole: for that, compare
 * `headHash` with the head stored elsewhere (e.g. on the application row).
 */
export function verifyChain(entries: readonly ChainedHistoryEntry[]): ChainVerification {
  for (let i = 0; i < entries.length; i++) {
    const reason = breakAt(entries, i);
    if (reason !== null) {
      return { valid: false, length: entries.length, firstBrokenSeq: i + 1, reason };
    }
  }
  return { valid: true, length: entries.length, headHash: entries.at(-1)?.hash ?? GENESIS_HASH };
}

/** The chain's head as recorded apart from it (on the application row, in the same transaction). */
export interface ChainHead {
  length: number;
  hash: string | null;
}

/**
 * Verifies the chain, then that it ends where the head recorded apart says:
 * the same length and the same last hash. Entries cut off the end, or a chain
 * recomputed from scratch after an edit, pass `verifyChain` but not this.
 */
export function verifyChainAgainstHead(
  entries: readonly ChainedHistoryEntry[],
  head: ChainHead,
): ChainVerification {
  const result = verifyChain(entries);
  if (!result.valid) return result;
  const headHash = head.length === 0 ? GENESIS_HASH : head.hash;
  if (result.length === head.length && result.headHash === headHash) return result;
  const sound = Math.min(result.length, head.length);
  return {
    valid: false,
    length: result.length,
    // A chain recomputed whole is sound nowhere: its first entry is already not the one recorded.
    firstBrokenSeq: result.length === head.length ? 1 : sound + 1,
    reason: 'HEAD_MISMATCH',
  };
}
