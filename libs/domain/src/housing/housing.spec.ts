import { addDays } from '../dates';
import { property } from '../testing/households';
import {
  assessHousing,
  PROPERTY_KINDS,
  RESIDENTIAL_PROPERTY_KINDS,
  TRANSFER_REASONS,
  validateProperties,
  type PropertyDeclaration,
} from '.';

const CUTOFF = '2025-08-31';
const OWNER = property().ownerIdNumber;

describe('counted housing', () => {
  it.each(RESIDENTIAL_PROPERTY_KINDS)('a %s home counts at its area', (kind) => {
    expect(assessHousing([property({ kind, areaCenti: 4321 })], CUTOFF)).toEqual({
      countedAreaCenti: 4321,
      hasHousing: true,
      properties: [{ propertyId: 'p1', treatment: 'counted', counted: true, areaCenti: 4321 }],
    });
  });

  it('the counted kinds are every kind but non-residential', () => {
    expect(RESIDENTIAL_PROPERTY_KINDS).toEqual([
      'private',
      'private_rural',
      'public_rental',
      'contracted',
      'other',
    ]);
    expect(PROPERTY_KINDS).toContain('non_residential');
  });

  it('non-residential property is declared but not counted: a no-housing household', () => {
    expect(assessHousing([property({ kind: 'non_residential', areaCenti: 5000 })], CUTOFF)).toEqual(
      {
        countedAreaCenti: 0,
        hasHousing: false,
        properties: [
          {
            propertyId: 'p1',
            treatment: 'not_counted_non_residential',
            counted: false,
            areaCenti: 5000,
          },
        ],
      },
    );
  });

  it('no property at all: a no-housing household', () => {
    expect(assessHousing([], CUTOFF)).toEqual({
      countedAreaCenti: 0,
      hasHousing: false,
      properties: [],
    });
  });

  it('the counted area is the sum over every counted home of every member', () => {
    const properties: PropertyDeclaration[] = [
      property({ id: 'a', kind: 'private', areaCenti: 1001 }),
      property({ id: 'b', kind: 'public_rental', areaCenti: 2002, ownerIdNumber: 'spouse' }),
      property({ id: 'c', kind: 'non_residential', areaCenti: 9999 }),
      property({
        id: 'd',
        kind: 'contracted',
        areaCenti: 3003,
        transferredOn: '2025-09-01',
        transferReason: 'sale',
      }),
      property({
        id: 'e',
        kind: 'private',
        areaCenti: 7777,
        transferredOn: '2025-08-31',
        transferReason: 'sale',
      }),
    ];
    const housing = assessHousing(properties, CUTOFF);
    expect(housing.countedAreaCenti).toBe(1001 + 2002 + 3003);
    expect(housing.properties.map((p) => [p.propertyId, p.treatment])).toEqual([
      ['a', 'counted'],
      ['b', 'counted'],
      ['c', 'not_counted_non_residential'],
      ['d', 'counted_transferred_after_cutoff'],
      ['e', 'not_counted_transferred_by_cutoff'],
    ]);
  });

  describe('a home given up around the transfer cut-off date (2025-08-31)', () => {
    const cases = TRANSFER_REASONS.flatMap(
      (reason) =>
        [
          [reason, 'the day after the cut-off', addDays(CUTOFF, 1), 1500],
          [reason, 'a year after the cut-off', '2026-08-31', 1500],
          [reason, 'on the cut-off day', CUTOFF, 0],
          [reason, 'the day before the cut-off', addDays(CUTOFF, -1), 0],
        ] as const,
    );
    it.each(cases)(
      'given up through %s %s counts %p centi-m²',
      (reason, _when, transferredOn, counted) => {
        const housing = assessHousing(
          [property({ areaCenti: 1500, transferredOn, transferReason: reason })],
          CUTOFF,
        );
        expect(housing.countedAreaCenti).toBe(counted);
        expect(housing.hasHousing).toBe(counted > 0);
      },
    );

    it('non-residential property given up after the cut-off still does not count', () => {
      const p = property({
        kind: 'non_residential',
        transferredOn: '2025-09-01',
        transferReason: 'gift',
      });
      expect(assessHousing([p], CUTOFF).countedAreaCenti).toBe(0);
    });
  });
});

describe('validating declared properties', () => {
  const codes = (...properties: PropertyDeclaration[]) =>
    validateProperties(properties, new Set([OWNER])).map((e) => [e.code, e.path]);

  it.each(PROPERTY_KINDS)('a well-formed %s property is valid', (kind) => {
    expect(codes(property({ kind }))).toEqual([]);
  });

  it.each(TRANSFER_REASONS)('a transfer through %s with a date is valid', (transferReason) => {
    expect(codes(property({ transferredOn: '2025-01-01', transferReason }))).toEqual([]);
  });

  it.each<[string, Partial<PropertyDeclaration>, string[][]]>([
    [
      'a transfer date without a reason',
      { transferredOn: '2025-01-01' },
      [['PROPERTY_TRANSFER_INCOMPLETE', 'properties[0].transferReason']],
    ],
    [
      'a transfer reason without a date',
      { transferReason: 'sale' },
      [['PROPERTY_TRANSFER_INCOMPLETE', 'properties[0].transferredOn']],
    ],
    [
      'a null date with a reason',
      { transferredOn: null, transferReason: 'divorce' },
      [['PROPERTY_TRANSFER_INCOMPLETE', 'properties[0].transferredOn']],
    ],
    [
      'a transfer date that is not a date',
      { transferredOn: '2025-02-29', transferReason: 'debt' },
      [['INVALID_DATE', 'properties[0].transferredOn']],
    ],
    [
      'an owner outside the household',
      { ownerIdNumber: 'someone-else' },
      [['PROPERTY_OWNER_NOT_MEMBER', 'properties[0].ownerIdNumber']],
    ],
    ['a zero area', { areaCenti: 0 }, [['INVALID_AREA', 'properties[0].areaCenti']]],
    ['a negative area', { areaCenti: -100 }, [['INVALID_AREA', 'properties[0].areaCenti']]],
    ['a fractional area', { areaCenti: 100.5 }, [['INVALID_AREA', 'properties[0].areaCenti']]],
    [
      'an area above 100,000 m²',
      { areaCenti: 10_000_001 },
      [['INVALID_AREA', 'properties[0].areaCenti']],
    ],
  ])('refuses %s', (_what, overrides, expected) => {
    expect(codes(property(overrides))).toEqual(expected);
  });

  it('accepts an area of exactly 100,000 m² and of 0.01 m²', () => {
    expect(
      codes(property({ areaCenti: 10_000_000 }), property({ id: 'p2', areaCenti: 1 })),
    ).toEqual([]);
  });

  it('refuses two properties with the same id', () => {
    expect(codes(property(), property())).toEqual([['DUPLICATE_PROPERTY_ID', 'properties[1].id']]);
  });
});
