import { assertSafeDetail, PersonalDataInAuditError } from './audit-entry';

describe('an audit detail', () => {
  it('accepts codes, statuses, ids, dates, counts and flags', () => {
    expect(() =>
      assertSafeDetail({
        status: 403,
        code: 'FORBIDDEN',
        from: 'draft',
        regionId: '0b7e4a1c-0000-4000-8000-000000000000',
        effectiveAt: '2025-09-26T02:00:00.000Z',
        disabled: true,
        route: null,
      }),
    ).not.toThrow();
  });

  it.each([
    'name',
    'username',
    'applicantName',
    'idNumber',
    'annualIncome',
    'password',
    'phone',
    'address',
    'opinion',
    'signature',
    'corrections',
    'accessToken',
  ])('refuses the key %s', (key) => {
    expect(() => assertSafeDetail({ [key]: 'x' })).toThrow(PersonalDataInAuditError);
  });

  it('refuses a resident ID number under any key', () => {
    expect(() => assertSafeDetail({ code: 'x36012419850312123X' })).toThrow(/ID number/);
  });

  it('refuses nested values, long text and a detail over 1 KB', () => {
    expect(() => assertSafeDetail({ code: { nested: 1 } as never })).toThrow(/scalar/);
    expect(() => assertSafeDetail({ code: 'x'.repeat(121) })).toThrow(/too long/);
    const wide = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [`k${i}`, 'v'.repeat(100)]),
    );
    expect(() => assertSafeDetail(wide)).toThrow(/1024 bytes/);
  });
});
