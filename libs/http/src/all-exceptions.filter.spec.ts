import { ArgumentsHost, Logger } from '@nestjs/common';
import type { Request } from 'express';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { markPastGuards } from './past-guards';

/** What the filter answered a request with this method, failed in its guards or after them. */
function answer(
  error: unknown,
  method: string,
  { pastGuards }: { pastGuards: boolean },
): { status: number; code: string; retryAfter?: string } {
  const sent: { status: number; code: string; retryAfter?: string } = { status: 0, code: '' };
  const response = {
    headersSent: false,
    setHeader: (name: string, value: string) => {
      if (name === 'Retry-After') sent.retryAfter = value;
    },
    status(status: number) {
      sent.status = status;
      return this;
    },
    json: (body: { code: string }) => {
      sent.code = body.code;
    },
  };
  const request = { method } as Request;
  if (pastGuards) markPastGuards(request);
  const host = {
    switchToHttp: () => ({ getResponse: () => response, getRequest: () => request }),
  } as unknown as ArgumentsHost;
  new AllExceptionsFilter().catch(error, host);
  return sent;
}

describe('AllExceptionsFilter, PostgreSQL or Redis out of reach', () => {
  // The filter logs every 5xx; here that is the expected outcome, not news.
  beforeAll(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());
  // pg's words when the connection ends under a query: a COMMIT may have landed.
  const cut = new Error('Connection terminated unexpectedly');
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
    code: 'ECONNREFUSED',
  });
  const unavailable = { status: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: '5' };
  const unknown = { status: 500, code: 'INTERNAL_ERROR' };

  it('asks for a repeat of a read, and of a write stopped in its guards', () => {
    expect(answer(cut, 'GET', { pastGuards: true })).toEqual(unavailable);
    expect(answer(refused, 'POST', { pastGuards: false })).toEqual(unavailable);
    expect(answer(cut, 'PUT', { pastGuards: false })).toEqual(unavailable);
  });

  it('answers 500 to a write let through its guards: its outcome is unknown', () => {
    expect(answer(cut, 'POST', { pastGuards: true })).toEqual(unknown);
    // Even a refused connection: an earlier statement of the handler may have committed.
    expect(answer(refused, 'DELETE', { pastGuards: true })).toEqual(unknown);
  });

  it('keeps any other error a bare 500', () => {
    expect(answer(new Error('boom'), 'GET', { pastGuards: false })).toEqual(unknown);
  });
});
