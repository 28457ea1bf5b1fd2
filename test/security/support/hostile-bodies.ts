import type { Method, RequestSpec } from './http';
import { FieldSpec, fieldMutations, MISSING, Raw } from './hostile-values';

/** A write route, a valid body for it, and the fields the mutators work on. */
export interface HostileTarget {
  route: string;
  method: Method;
  path: string;
  token?: string;
  /** A valid body: sent unmutated it would be accepted (fresh each call where uniqueness matters). */
  base: () => Record<string, unknown>;
  fields: FieldSpec[];
  /** Every field is optional, so `{}` and no body at all are valid. */
  emptyIsValid?: boolean;
}

/** Families of mutations, each its own test, so that one finding does not hide another. */
export type HostileGroup = 'field' | 'shape' | 'nesting' | 'prototype';

export interface HostileCase {
  route: string;
  group: HostileGroup;
  label: string;
  token?: string;
  spec: RequestSpec;
}

/** JSON text of a value that may hold Raw fragments and MISSING fields. */
export function serialise(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Raw) {
      raws.push(v.json);
      return `@@raw${raws.length - 1}@@`;
    }
    return v;
  });
  return text.replace(/"@@raw(\d+)@@"/g, (_m, i: string) => raws[Number(i)]);
}

/** A copy of `body` with the value at `path` replaced (or removed, for MISSING). */
export function withValue(
  body: Record<string, unknown>,
  path: (string | number)[],
  value: unknown,
): Record<string, unknown> {
  const copy = structuredClone(body);
  let node = copy as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (value === MISSING) delete node[last];
  else node[last] = value;
  return copy;
}

const deep = (levels: number, open: string, close: string, inner: string): string =>
  open.repeat(levels) + inner + close.repeat(levels);

/** Prepends a member to the body's JSON object text. */
const withLeadingMember = (json: string, member: string): string => `{${member},${json.slice(1)}`;

interface BodyMutation {
  label: string;
  group: HostileGroup;
  body: (base: Record<string, unknown>) => string;
  contentType?: string;
  headers?: Record<string, string>;
  /** Also valid when every field is optional: not a mutation for such a route. */
  validWhenEmptyIsValid?: boolean;
}

/** Mutations of the body as a whole: its shape, its encoding, its size, its keys. */
const BODY_MUTATIONS: BodyMutation[] = [
  { label: 'an unknown field', group: 'shape', body: (b) => serialise({ ...b, isAdmin: true }) },
  {
    label: 'a __proto__ key',
    group: 'prototype',
    body: (b) => withLeadingMember(serialise(b), '"__proto__":{"polluted":"yes","role":"admin"}'),
  },
  {
    label: 'a constructor.prototype key',
    group: 'prototype',
    body: (b) => withLeadingMember(serialise(b), '"constructor":{"prototype":{"polluted":"yes"}}'),
  },
  {
    label: 'a __proto__ key in every object',
    group: 'prototype',
    body: (b) => serialise(b).replace(/\{"/g, '{"__proto__":{"polluted":"yes"},"'),
  },
  { label: 'null', group: 'shape', body: () => 'null' },
  { label: 'an empty array', group: 'shape', body: () => '[]' },
  { label: 'the body inside an array', group: 'shape', body: (b) => `[${serialise(b)}]` },
  { label: 'a string', group: 'shape', body: () => '"hello"' },
  { label: 'a number', group: 'shape', body: () => '42' },
  { label: 'true', group: 'shape', body: () => 'true' },
  { label: 'an empty object', group: 'shape', body: () => '{}', validWhenEmptyIsValid: true },
  { label: 'no body at all', group: 'shape', body: () => '', validWhenEmptyIsValid: true },
  { label: 'truncated JSON', group: 'shape', body: (b) => serialise(b).slice(0, -1) },
  { label: 'a trailing comma', group: 'shape', body: (b) => serialise(b).replace(/\}$/, ',}') },
  { label: 'single quotes', group: 'shape', body: () => "{'username':'x'}" },
  { label: 'a comment', group: 'shape', body: (b) => `/* hi */${serialise(b)}` },
  {
    label: 'a later duplicate of the first key, of the wrong type',
    group: 'shape',
    body: (b) => serialise(b).replace(/\}$/, `,"${Object.keys(b)[0]}":{"$ne":null}}`),
  },
  { label: '10,000 nested objects', group: 'nesting', body: () => deep(10_000, '{"a":', '}', '1') },
  { label: '10,000 nested arrays', group: 'nesting', body: () => deep(10_000, '[', ']', '') },
  {
    label: 'the first field 10,000 objects deep',
    group: 'nesting',
    body: (b) => serialise({ ...b, [Object.keys(b)[0]]: new Raw(deep(10_000, '{"a":', '}', '1')) }),
  },
  {
    label: 'the first field 2,000 arrays deep',
    group: 'nesting',
    body: (b) => serialise({ ...b, [Object.keys(b)[0]]: new Raw(deep(2_000, '[', ']', '')) }),
  },
  {
    label: 'an array of 100,000 numbers',
    group: 'shape',
    body: () => `[${Array.from({ length: 100_000 }, () => '0').join(',')}]`,
  },
  {
    label: 'a body of 300 kB',
    group: 'shape',
    body: (b) => serialise({ ...b, padding: 'x'.repeat(300 * 1024) }),
  },
  {
    label: 'JSON sent as text/plain',
    group: 'shape',
    body: (b) => serialise(b),
    contentType: 'text/plain',
    validWhenEmptyIsValid: true,
  },
  {
    label: 'a form instead of JSON',
    group: 'shape',
    body: () => 'username=root&password=x',
    contentType: 'application/x-www-form-urlencoded',
    validWhenEmptyIsValid: true,
  },
  {
    label: 'JSON declared as UTF-16',
    group: 'shape',
    body: (b) => serialise(b),
    contentType: 'application/json; charset=utf-16',
  },
  {
    label: 'gzip that is not gzip',
    group: 'shape',
    body: (b) => serialise(b),
    headers: { 'content-encoding': 'gzip' },
  },
];

function spec(
  target: HostileTarget,
  rawJson: string,
  extra: { contentType?: string; headers?: Record<string, string> } = {},
): RequestSpec {
  return {
    method: target.method,
    path: target.path,
    rawJson,
    headers: {
      ...(extra.contentType ? { 'content-type': extra.contentType } : {}),
      ...extra.headers,
    },
  };
}

/** Every mutation of every field, then every mutation of the whole body, of each target. */
export function hostileCases(targets: HostileTarget[]): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const target of targets) {
    for (const field of target.fields) {
      for (const mutation of fieldMutations(field)) {
        cases.push({
          route: target.route,
          group: 'field',
          label: `${field.path.join('.')}: ${mutation.label}`,
          token: target.token,
          spec: spec(target, serialise(withValue(target.base(), field.path, mutation.value))),
        });
      }
    }
    for (const mutation of BODY_MUTATIONS) {
      if (target.emptyIsValid && mutation.validWhenEmptyIsValid) continue;
      cases.push({
        route: target.route,
        group: mutation.group,
        label: `body: ${mutation.label}`,
        token: target.token,
        spec: spec(target, mutation.body(target.base()), mutation),
      });
    }
  }
  return cases;
}
