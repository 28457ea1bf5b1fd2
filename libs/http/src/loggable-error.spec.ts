import { loggableError, loggableMessage } from './loggable-error';

const ID_NUMBER = '440305197707236116';

/** Shaped as TypeORM's QueryFailedError is: the driver's fields copied onto it. */
class QueryFailedError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly query: string,
    readonly parameters: unknown[],
    readonly detail: string,
  ) {
    super(message);
    this.name = 'QueryFailedError';
  }
}

describe('an error as the log keeps it', () => {
  it('keeps the class, message, SQLSTATE and stack frames, and neither parameters, query nor detail', () => {
    const error = new QueryFailedError(
      'duplicate key value violates unique constraint "users_id_number_key"',
      '23505',
      'INSERT INTO users (id_number) VALUES ($1)',
      [ID_NUMBER],
      `Key (id_number)=(${ID_NUMBER}) already exists.`,
    );
    const logged = loggableError(error);
    expect(Object.keys(logged).sort()).toEqual(['code', 'message', 'stack', 'type']);
    expect(logged).toMatchObject({
      type: 'QueryFailedError',
      code: '23505',
      message: 'duplicate key value violates unique constraint "users_id_number_key"',
    });
    expect(logged.stack).toMatch(/^QueryFailedError: duplicate key[^\n]*\n\s+at /);
    expect(JSON.stringify(logged)).not.toContain(ID_NUMBER);
  });

  it('blanks the input PostgreSQL quotes in a data exception (SQLSTATE class 22), in the stack too', () => {
    const error = new QueryFailedError(
      `invalid input syntax for type uuid: "${ID_NUMBER}"`,
      '22P02',
      'SELECT 1 WHERE id = $1',
      [ID_NUMBER],
      '',
    );
    const logged = loggableError(error);
    expect(logged.message).toBe('invalid input syntax for type uuid: "[redacted]"');
    expect(JSON.stringify(logged)).not.toContain(ID_NUMBER);
    expect(loggableMessage(error)).toBe(
      'QueryFailedError 22P02: invalid input syntax for type uuid: "[redacted]"',
    );
  });

  it('logs a plain error by class and message, and a thrown non-error by its kind only', () => {
    expect(loggableError(new TypeError('x is not a function'))).toMatchObject({
      type: 'TypeError',
      message: 'x is not a function',
    });
    expect(loggableError({ idNumber: ID_NUMBER })).toEqual({
      type: 'object',
      message: 'a thrown non-error',
    });
  });
});
