import { registrationBody } from '../../factories/applicants.factory';
import { STAFF_PASSWORD } from '../../factories/users.factory';
import type { HostileTarget } from './hostile-bodies';
import type { FieldSpec } from './hostile-values';
import { APPLICANT_PASSWORD, SecurityWorld } from './security-world';

const f = (path: (string | number)[], kind: FieldSpec['kind'], extra: Partial<FieldSpec> = {}) => ({
  path,
  kind,
  ...extra,
});

/** The fields of a household body (POST and PUT /api/applications). */
function householdFields(member: unknown, property: unknown): FieldSpec[] {
  const m = (name: string) => ['members', 0, name];
  const p = (name: string) => ['properties', 0, name];
  return [
    f(['campaignId'], 'uuid'),
    f(['communityId'], 'uuid'),
    f(['members'], 'list', { maxItems: 20, element: member }),
    f(['properties'], 'list', { maxItems: 50, element: property, mayBeEmpty: true }),
    // A member's name may start with a space (only account names may not): plain text of 1-50.
    f(m('name'), 'shortText', { max: 50 }),
    f(m('idNumber'), 'idNumber'),
    f(m('relation'), 'enum'),
    f(m('maritalStatus'), 'enum'),
    f(m('hukouCommunityId'), 'uuid'),
    f(m('hukouSince'), 'date'),
    f(m('incomeSource'), 'enum'),
    f(m('annualIncome'), 'money'),
    f(p('kind'), 'enum'),
    f(p('ownerIdNumber'), 'idNumber'),
    f(p('address'), 'text', { max: 200 }),
    f(p('area'), 'area'),
    f(p('transferredOn'), 'date', { optional: true }),
    f(p('transferReason'), 'enum', { optional: true }),
    f(p('id'), 'uuid', { optional: true }),
  ];
}

const signedFields: FieldSpec[] = [
  f(['opinion'], 'multiline', { max: 2000 }),
  f(['signature'], 'shortText', { max: 50 }),
];

let serial = 0;
const fresh = (prefix: string) => `${prefix}${process.pid}h${serial++}`;

/**
 * Every JSON write route with a valid body: sent as is, each would be accepted
 * and change something, so a mutation that slipped through validation shows
 * as a 2xx or as a changed row. `propertyId` is the review application's property,
 * `alertId` an alert raised to the town about it.
 */
export function hostileTargets(
  w: SecurityWorld,
  propertyId: string,
  alertId: string,
): HostileTarget[] {
  const { accounts, regions } = w;
  const cr = accounts.community_reviewer;
  const br = accounts.bureau_reviewer;
  const household = () => structuredClone(w.draft.body) as unknown as Record<string, unknown>;
  const member = w.draft.body.members[0];
  const property = w.draft.body.properties[0];

  return [
    {
      route: 'POST /api/auth/register',
      method: 'POST',
      path: '/api/auth/register',
      base: () => registrationBody(),
      fields: [
        f(['username'], 'username'),
        f(['password'], 'password'),
        f(['name'], 'name', { max: 50 }),
        f(['idNumber'], 'idNumber'),
        f(['phone'], 'phone'),
      ],
    },
    {
      route: 'POST /api/auth/login',
      method: 'POST',
      path: '/api/auth/login',
      base: () => ({ username: w.other.username, password: APPLICANT_PASSWORD }),
      fields: [
        f(['username'], 'loginText', { max: 64 }),
        f(['password'], 'loginText', { max: 128 }),
      ],
    },
    {
      route: 'POST /api/applications',
      method: 'POST',
      path: '/api/applications',
      token: accounts.applicant.token,
      base: household,
      fields: householdFields(member, property),
    },
    {
      route: 'PUT /api/applications/:id',
      method: 'PUT',
      path: `/api/applications/${w.draft.id}`,
      token: accounts.applicant.token,
      base: household,
      fields: householdFields(member, property),
    },
    {
      route: 'POST /api/applications/:id/decisions',
      method: 'POST',
      path: `/api/applications/${w.review.id}/decisions`,
      token: cr.token,
      base: () => ({
        decision: 'approve',
        opinion: '经调查核实',
        signature: cr.name,
        corrections: {
          members: [{ idNumber: w.review.husband, annualIncome: 9000 }],
          properties: [{ id: propertyId, area: 30 }],
        },
      }),
      fields: [
        f(['decision'], 'enum'),
        ...signedFields,
        f(['corrections'], 'object', { optional: true }),
        f(['corrections', 'members'], 'list', {
          optional: true,
          mayBeEmpty: true,
          maxItems: 20,
          element: { idNumber: w.review.husband },
        }),
        f(['corrections', 'members', 0, 'idNumber'], 'idNumber'),
        f(['corrections', 'members', 0, 'annualIncome'], 'money', { optional: true }),
        f(['corrections', 'properties'], 'list', {
          optional: true,
          mayBeEmpty: true,
          maxItems: 50,
          element: { id: propertyId },
        }),
        f(['corrections', 'properties', 0, 'id'], 'uuid'),
        f(['corrections', 'properties', 0, 'area'], 'area', { optional: true }),
      ],
    },
    {
      route: 'POST /api/applications/:id/objections/:objectionId/resolution',
      method: 'POST',
      path: `/api/applications/${w.notice.id}/objections/${w.notice.objectionId}/resolution`,
      token: cr.token,
      base: () => ({ upheld: false, opinion: '经核实，异议不成立', signature: cr.name }),
      fields: [f(['upheld'], 'bool'), ...signedFields],
    },
    ...(['revocation', 'changes'] as const).map((action): HostileTarget => ({
      route: `POST /api/applications/:id/${action}`,
      method: 'POST',
      path: `/api/applications/${w.review.id}/${action}`,
      token: br.token,
      base: () => ({ opinion: '经核实', signature: br.name }),
      fields: signedFields,
    })),
    {
      route: 'POST /api/public/notices/:noticeId/objections',
      method: 'POST',
      path: `/api/public/notices/${w.notice.noticeId}/objections`,
      base: () => ({ content: '该户另有住房', contactName: '王五', contactPhone: '13900139000' }),
      fields: [
        f(['content'], 'multiline', { max: 2000 }),
        f(['contactName'], 'shortText', { max: 50, optional: true }),
        f(['contactPhone'], 'contactPhone', { optional: true }),
      ],
    },
    {
      route: 'POST /api/campaigns',
      method: 'POST',
      path: '/api/campaigns',
      token: w.root,
      base: () => ({
        name: '2025年摸底调查（安全测试）',
        countyId: regions.countyA,
        referenceIncome: 20000,
        areaLimit: 10,
        incomeCoefficients: [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
        areaTierBounds: [5, 6, 7, 8, 9, 10],
        ageCutoffDate: '2025-08-31',
        hukouCutoffDate: '2025-12-31',
        transferCutoffDate: '2025-08-31',
        opensOn: '2025-09-01',
        closesOn: '2025-10-26',
        reportDueOn: '2025-10-28',
        reviewDays: { community: 5, town: 10, bureau: 15 },
        noticeDays: 5,
      }),
      fields: [
        f(['name'], 'text', { max: 200 }),
        f(['countyId'], 'uuid'),
        f(['referenceIncome'], 'money'),
        f(['areaLimit'], 'area', { optional: true }),
        f(['incomeCoefficients'], 'list', { optional: true, maxItems: 20, element: 0.5 }),
        f(['incomeCoefficients', 0], 'coefficient'),
        f(['areaTierBounds'], 'list', { optional: true, maxItems: 20, element: 5 }),
        f(['areaTierBounds', 0], 'area'),
        ...[
          'ageCutoffDate',
          'hukouCutoffDate',
          'transferCutoffDate',
          'opensOn',
          'closesOn',
          'reportDueOn',
        ].map((name) => f([name], 'date', { optional: true })),
        f(['reviewDays'], 'object', { optional: true }),
        ...['community', 'town', 'bureau'].map((level) => f(['reviewDays', level], 'days')),
        f(['noticeDays'], 'days', { optional: true }),
      ],
    },
    {
      route: 'POST /api/regions',
      method: 'POST',
      path: '/api/regions',
      token: w.root,
      base: () => ({
        code: fresh('H'),
        name: '新社区',
        level: 'community',
        parentId: regions.townA1,
      }),
      fields: [
        f(['code'], 'regionCode'),
        f(['name'], 'text', { max: 100 }),
        f(['level'], 'enum'),
        f(['parentId'], 'uuid', { optional: true }),
      ],
    },
    {
      route: 'POST /api/users',
      method: 'POST',
      path: '/api/users',
      token: w.root,
      base: () => ({
        username: fresh('hostile.'),
        password: STAFF_PASSWORD,
        name: '新审核',
        role: 'community_reviewer',
        regionId: regions.a1a,
      }),
      fields: [
        f(['username'], 'username'),
        f(['password'], 'password'),
        f(['name'], 'name', { max: 50 }),
        f(['role'], 'enum'),
        f(['regionId'], 'uuid', { optional: true }),
      ],
    },
    {
      route: 'PATCH /api/users/:id',
      method: 'PATCH',
      path: `/api/users/${w.spare.id}`,
      token: w.root,
      base: () => ({ disabled: true }),
      fields: [f(['disabled'], 'bool', { optional: true })],
      emptyIsValid: true,
    },
    {
      route: 'PUT /api/calendar/overrides/:date',
      method: 'PUT',
      path: '/api/calendar/overrides/2026-12-17',
      token: w.root,
      base: () => ({ workday: false, note: '安全测试' }),
      fields: [f(['workday'], 'bool'), f(['note'], 'text', { max: 200 })],
    },
    {
      route: 'POST /api/admin/clock',
      method: 'POST',
      path: '/api/admin/clock',
      token: w.root,
      // A valid move (the clock's own instant plus a minute): fine as a base, never sent unmutated.
      base: () => ({ now: '2025-09-01T09:01:00+08:00' }),
      fields: [f(['now'], 'instant')],
    },
    {
      route: 'POST /api/alerts/:id/acknowledgement',
      method: 'POST',
      path: `/api/alerts/${alertId}/acknowledgement`,
      token: accounts.town_reviewer.token,
      base: () => ({ note: '已电话督办' }),
      fields: [f(['note'], 'multiline', { max: 500 })],
    },
    {
      route: 'POST /api/statistics/register-exports',
      method: 'POST',
      path: '/api/statistics/register-exports',
      token: br.token,
      base: () => ({ campaignId: w.campaignA, regionId: regions.a1a, format: 'csv' }),
      fields: [
        f(['campaignId'], 'uuid'),
        f(['regionId'], 'uuid', { optional: true }),
        f(['format'], 'enum'),
      ],
    },
  ];
}
