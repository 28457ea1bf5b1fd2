import { jsonBodyProblem, MAX_JSON_DEPTH } from './json-body-shape';

/** `depth` arrays one inside the other, parsed as body-parser would. */
const nestedArrays = (depth: number): unknown =>
  JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

describe('the shape of a parsed JSON body', () => {
  it.each([
    ['an object', { username: 'root', password: 'x' }],
    ['a decision with corrections', { corrections: { members: [{ idNumber: 'x' }] } }],
    ['null', null],
    ['a number', 42],
    ['no body', undefined],
    ['a field named like a prototype key, in a value', { note: '__proto__ constructor' }],
  ])('accepts %s', (_what, body) => {
    expect(jsonBodyProblem(body)).toBeNull();
  });

  it(`accepts ${MAX_JSON_DEPTH} levels of nesting and refuses ${MAX_JSON_DEPTH + 1} with 400 BODY_TOO_DEEP`, () => {
    expect(jsonBodyProblem(nestedArrays(MAX_JSON_DEPTH))).toBeNull();
    expect(jsonBodyProblem(nestedArrays(MAX_JSON_DEPTH + 1))).toMatchObject({
      statusCode: 400,
      code: 'BODY_TOO_DEEP',
    });
  });

  it('measures 100,000 nested arrays and objects without overflowing the stack', () => {
    expect(jsonBodyProblem(nestedArrays(100_000))?.code).toBe('BODY_TOO_DEEP');
    const objects = JSON.parse(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`) as unknown;
    expect(jsonBodyProblem(objects)?.code).toBe('BODY_TOO_DEEP');
  });

  it.each([
    ['__proto__ at the top', '{"username":"x","__proto__":{"role":"admin"}}', '__proto__'],
    ['constructor at the top', '{"constructor":{"prototype":{"x":1}}}', 'constructor'],
    [
      'prototype inside a member',
      '{"members":[{"name":"x"},{"prototype":1}]}',
      'members.1.prototype',
    ],
    ['__proto__ in a nested object', '{"corrections":{"__proto__":{}}}', 'corrections.__proto__'],
  ])('refuses %s as an unknown field, named by its path', (_what, json, field) => {
    expect(jsonBodyProblem(JSON.parse(json))).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      code: 'VALIDATION_FAILED',
      message: 'The request is not valid',
      details: [{ code: 'UNKNOWN_FIELD', field, message: `property ${field} should not exist` }],
    });
  });
});
