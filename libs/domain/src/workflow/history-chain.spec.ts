import {
  canonicalJson,
  chainEntries,
  GENESIS_HASH,
  hashEntry,
  verifyChain,
  verifyChainAgainstHead,
  type ChainedHistoryEntry,
  type HistoryEntry,
} from '.';

const APPLICATION = '9b2f6c1e-0000-4000-8000-000000000001';

function entry(seq: number, overrides: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    applicationId: APPLICATION,
    seq,
    type: 'approve',
    from: 'community_review',
    to: 'community_notice',
    actorId: `user-${seq}`,
    actorName: '李审核',
    actorRole: 'community_reviewer',
    opinion: `第${seq}条意见：情况属实`,
    signature: '李审核',
    corrections: { members: [{ idNumber: '11010519491231002X', annualIncome: 12000.5 }] },
    at: `2025-09-${String(seq).padStart(2, '0')}T10:00:00.000Z`,
    ...overrides,
  };
}

const chain = (length = 5): ChainedHistoryEntry[] =>
  chainEntries(Array.from({ length }, (_, i) => entry(i + 1)));

describe('canonical serialisation', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('leaves out undefined keys and refuses what JSON cannot hold', () => {
    expect(canonicalJson({ a: undefined, b: '张' })).toBe('{"b":"张"}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ a: () => 1 })).toThrow(TypeError);
  });
});

describe('hashing an entry', () => {
  it('is 64 hex characters and depends on the previous hash', () => {
    const e = entry(1);
    expect(hashEntry(e, GENESIS_HASH)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashEntry(e, GENESIS_HASH)).not.toBe(hashEntry(e, 'f'.repeat(64)));
  });

  it('the first entry links to 64 zeros', () => {
    expect(chain(1)[0].prevHash).toBe('0'.repeat(64));
  });

  it('does not depend on key order, in the entry or in its corrections', () => {
    const e = entry(1, { corrections: { properties: [{ id: 'p1', area: 30 }], members: [] } });
    const reversed = Object.fromEntries(Object.entries(e).reverse()) as unknown as HistoryEntry;
    const shuffled = {
      ...reversed,
      corrections: { members: [], properties: [{ area: 30, id: 'p1' }] },
    };
    expect(hashEntry(shuffled, GENESIS_HASH)).toBe(hashEntry(e, GENESIS_HASH));
  });

  it('hashes the instant, not the way it is written', () => {
    const utc = entry(1, { at: '2025-10-01T00:00:00.000Z' });
    const shanghai = entry(1, { at: '2025-10-01T08:00:00+08:00' });
    expect(hashEntry(shanghai, GENESIS_HASH)).toBe(hashEntry(utc, GENESIS_HASH));
  });

  it('ignores properties that are not part of an entry (its own hash, a row id)', () => {
    const e = entry(1);
    const withExtras = { ...e, id: 42, hash: 'x', prevHash: 'y' };
    expect(hashEntry(withExtras, GENESIS_HASH)).toBe(hashEntry(e, GENESIS_HASH));
  });

  it('refuses a time that is not an ISO instant', () => {
    expect(() => hashEntry(entry(1, { at: '2025-10-01' }), GENESIS_HASH)).toThrow(RangeError);
  });
});

describe('verifying a chain', () => {
  it('a sound chain verifies, with its length and head', () => {
    const entries = chain();
    expect(verifyChain(entries)).toEqual({ valid: true, length: 5, headHash: entries[4].hash });
  });

  it('an empty history is valid', () => {
    expect(verifyChain([])).toEqual({ valid: true, length: 0, headHash: GENESIS_HASH });
  });

  it('survives a round trip through JSON with the keys in another order', () => {
    const reordered = chain().map(
      (e) =>
        JSON.parse(
          JSON.stringify(Object.fromEntries(Object.entries(e).reverse())),
        ) as ChainedHistoryEntry,
    );
    expect(verifyChain(reordered).valid).toBe(true);
  });

  const edits: [keyof HistoryEntry, unknown][] = [
    ['applicationId', 'another-application'],
    ['seq', 9],
    ['type', 'reject'],
    ['from', 'town_review'],
    ['to', null],
    ['actorId', 'someone-else'],
    ['actorName', '王审核'],
    ['actorRole', 'town_reviewer'],
    ['opinion', '情况不属实'],
    ['signature', '王审核'],
    ['corrections', null],
    ['at', '2025-09-03T10:00:00.001Z'],
  ];
  describe.each([1, 3, 5])('editing entry %p', (seq) => {
    it.each(edits)('in its %s is reported at that entry', (field, value) => {
      const entries = chain();
      entries[seq - 1] = { ...entries[seq - 1], [field]: value };
      expect(verifyChain(entries)).toMatchObject({ valid: false, firstBrokenSeq: seq });
    });
  });

  it('editing a value deep inside the corrections is reported', () => {
    const entries = chain();
    entries[1] = {
      ...entries[1],
      corrections: { members: [{ idNumber: '11010519491231002X', annualIncome: 12000.51 }] },
    };
    expect(verifyChain(entries)).toEqual({
      valid: false,
      length: 5,
      firstBrokenSeq: 2,
      reason: 'HASH_MISMATCH',
    });
  });

  it('an edit whose hash was recomputed breaks the link of the next entry', () => {
    const entries = chain();
    const forged = { ...entries[2], opinion: '改过的意见' };
    entries[2] = { ...forged, hash: hashEntry(forged, forged.prevHash) };
    expect(verifyChain(entries)).toMatchObject({
      valid: false,
      firstBrokenSeq: 4,
      reason: 'PREV_HASH_MISMATCH',
    });
  });

  it.each([1, 3, 4])('deleting entry %p is reported at its seq', (seq) => {
    const entries = chain().filter((e) => e.seq !== seq);
    expect(verifyChain(entries)).toMatchObject({ valid: false, length: 4, firstBrokenSeq: seq });
  });

  it('deleting an entry and renumbering the rest is reported where the gap was', () => {
    const entries = chain()
      .filter((e) => e.seq !== 3)
      .map((e, i) => ({ ...e, seq: i + 1 }));
    expect(verifyChain(entries)).toMatchObject({ valid: false, firstBrokenSeq: 3 });
  });

  it('swapping two entries is reported at the first of them', () => {
    const entries = chain();
    [entries[1], entries[2]] = [entries[2], entries[1]];
    expect(verifyChain(entries)).toMatchObject({
      valid: false,
      firstBrokenSeq: 2,
      reason: 'SEQ_OUT_OF_ORDER',
    });
  });

  it.each([1, 2, 5])("changing entry %p's prevHash is reported there", (seq) => {
    const entries = chain();
    entries[seq - 1] = { ...entries[seq - 1], prevHash: 'a'.repeat(64) };
    expect(verifyChain(entries)).toMatchObject({
      valid: false,
      firstBrokenSeq: seq,
      reason: 'PREV_HASH_MISMATCH',
    });
  });

  it("changing an entry's stored hash is reported there", () => {
    const entries = chain();
    entries[4] = { ...entries[4], hash: 'b'.repeat(64) };
    expect(verifyChain(entries)).toMatchObject({ valid: false, firstBrokenSeq: 5 });
  });

  it("an entry of another application's chain is reported", () => {
    const other = chainEntries([entry(1), entry(2, { applicationId: 'another' })]);
    expect(verifyChain(other)).toMatchObject({
      valid: false,
      firstBrokenSeq: 2,
      reason: 'OTHER_APPLICATION',
    });
  });

  it('cutting entries off the end leaves a valid chain with another head (compare it)', () => {
    const entries = chain();
    const cut = verifyChain(entries.slice(0, 3));
    expect(cut).toMatchObject({ valid: true, length: 3 });
    expect(cut.valid && cut.headHash).not.toBe(entries[4].hash);
  });

  it('a time that no longer parses is reported, not thrown', () => {
    const entries = chain();
    entries[1] = { ...entries[1], at: 'yesterday' };
    expect(verifyChain(entries)).toMatchObject({ valid: false, firstBrokenSeq: 2 });
  });
});

describe('verifyChainAgainstHead', () => {
  const headOf = (entries: ChainedHistoryEntry[]) => ({
    length: entries.length,
    hash: entries.at(-1)?.hash ?? null,
  });

  it('accepts a sound chain that ends at its recorded head, and an empty one with none', () => {
    const entries = chain();
    expect(verifyChainAgainstHead(entries, headOf(entries))).toMatchObject({
      valid: true,
      length: 5,
    });
    expect(verifyChainAgainstHead([], { length: 0, hash: null })).toEqual({
      valid: true,
      length: 0,
      headHash: GENESIS_HASH,
    });
  });

  it('finds entries cut off the end, which verifyChain cannot see', () => {
    const entries = chain();
    const cut = entries.slice(0, 3);
    expect(verifyChain(cut).valid).toBe(true);
    expect(verifyChainAgainstHead(cut, headOf(entries))).toEqual({
      valid: false,
      length: 3,
      firstBrokenSeq: 4,
      reason: 'HEAD_MISMATCH',
    });
    expect(verifyChainAgainstHead([], headOf(entries))).toMatchObject({
      valid: false,
      firstBrokenSeq: 1,
      reason: 'HEAD_MISMATCH',
    });
  });

  it('finds a chain edited and recomputed whole', () => {
    const recorded = chain();
    const forged = chainEntries(
      recorded.map((e, i) => (i === 1 ? { ...e, opinion: '不属实' } : e)),
    );
    expect(verifyChain(forged).valid).toBe(true);
    expect(verifyChainAgainstHead(forged, headOf(recorded))).toMatchObject({
      valid: false,
      reason: 'HEAD_MISMATCH',
    });
  });

  it('finds entries appended past the head', () => {
    const entries = chain(6);
    expect(verifyChainAgainstHead(entries, headOf(entries.slice(0, 5)))).toMatchObject({
      valid: false,
      firstBrokenSeq: 6,
      reason: 'HEAD_MISMATCH',
    });
  });

  it('still reports a break inside the chain first', () => {
    const entries = chain();
    const edited = entries.map((e) => (e.seq === 2 ? { ...e, opinion: '改' } : e));
    expect(verifyChainAgainstHead(edited, headOf(entries))).toMatchObject({
      firstBrokenSeq: 2,
      reason: 'HASH_MISMATCH',
    });
  });
});
