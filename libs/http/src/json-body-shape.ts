import { ErrorBody, errorBody } from './error-body';

/**
 * How deep a JSON body may nest. The deepest body the contract has is a
 * decision's corrections (4 levels); the bound leaves ample room, while keeping
 * class-transformer and class-validator, which recurse, far from the stack's end.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Keys that class-transformer drops without a word and that name an object's
 * prototype: a body carrying one would be accepted with the key silently
 * ignored, where the contract refuses unknown fields.
 */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * What is wrong with a parsed JSON body before anything recursive sees it: nested
 * deeper than MAX_JSON_DEPTH (400 BODY_TOO_DEEP), or a key naming a prototype
 * (400 VALIDATION_FAILED with an UNKNOWN_FIELD detail, as for any unknown field).
 * null when the body is sound. The walk is iterative: a body nested 10,000 deep
 * is measured without a stack frame per level.
 */
export function jsonBodyProblem(body: unknown): ErrorBody | null {
  const pending: { value: unknown; depth: number; path: string }[] = [
    { value: body, depth: 1, path: '' },
  ];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, depth, path } = next;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_JSON_DEPTH) {
      return errorBody(400, 'BODY_TOO_DEEP', `The body nests deeper than ${MAX_JSON_DEPTH} levels`);
    }
    // JSON.parse makes `__proto__` an own key like any other: Object.keys sees it.
    for (const key of Object.keys(value)) {
      const field = path ? `${path}.${key}` : key;
      if (PROTOTYPE_KEYS.has(key)) return unknownField(field);
      pending.push({
        value: (value as Record<string, unknown>)[key],
        depth: depth + 1,
        path: field,
      });
    }
  }
  return null;
}

function unknownField(field: string): ErrorBody {
  const message = `property ${field} should not exist`;
  return errorBody(400, 'VALIDATION_FAILED', 'The request is not valid', [
    { code: 'UNKNOWN_FIELD', field, message },
  ]);
}
