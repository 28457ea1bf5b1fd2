import { ArgumentsHost } from '@nestjs/common';
import { AllExceptionsFilter } from './all-exceptions.filter';

/** What the filter answered a request with this method and headers. */
function answer(
  error: unknown,
  method: string,
  headers: Record<string, string> = {},
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
  const request = { method, header: (name: string) => headers[name.toLowerCase()] };
  const host = {
    switchToHttp: () => ({ getResponse: () => response, getRequest: () => request }),
  } as unknown as ArgumentsHost;
  new AllExceptionsFilter().catch(error, host);
  return sent;
}

describe('AllExceptionsFilter, PostgreSQL or Redis out of reach', () => {
  // pg's words when the connection ends under a query: a COMMIT may have landed.
  const cut = new Error('Connection terminated unexpectedly');
  const unreached = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
    code: 'ECONNREFUSED',
  });
  const unavailable = { status: 503, code: 'SERVICE_UNAVAILABLE', retryAfter: '5' };
  const unknown = { status: 500, code: 'INTERNAL_ERROR' };

  it('asks for a repeat when nothing was sent, whatever the request', () => {
    expect(answer(unreached, 'POST')).toEqual(unavailable);
    expect(answer(unreached, 'GET')).toEqual(unavailable);
  });

  it('after a connection cut in use, asks for a repeat only of a read or of a request with an Idempotency-Key', () => {
    expect(answer(cut, 'GET')).toEqual(unavailable);
    expect(answer(cut, 'POST', { 'idempotency-key': 'k-1' })).toEqual(unavailable);
    expect(answer(cut, 'POST')).toEqual(unknown);
    expect(answer(cut, 'PUT')).toEqual(unknown);
  });

  it('keeps any other error a bare 500', () => {
    expect(answer(new Error('boom'), 'GET')).toEqual(unknown);
  });
});
