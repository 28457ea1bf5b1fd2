import { Agent, request } from 'node:http';

/** An HTTP answer; status 0 when none came (connection refused or reset, time-out). */
export interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of any route
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  idempotencyKey?: string;
  /** Send from this loopback address (127.x.y.z): another client, for per-client rate limits. */
  localAddress?: string;
  timeoutMs?: number;
}

/**
 * A plain HTTP client for the API under test, over real sockets (keep-alive),
 * never failing on a status or a network error: the fault tests count both.
 */
export class ApiClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });

  constructor(readonly port: number) {}

  get(path: string, options: RequestOptions = {}): Promise<Reply> {
    return this.send('GET', path, options);
  }

  post(path: string, options: RequestOptions = {}): Promise<Reply> {
    return this.send('POST', path, options);
  }

  send(method: string, path: string, options: RequestOptions): Promise<Reply> {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = {};
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    return new Promise<Reply>((resolve) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: this.port,
          method,
          path,
          headers,
          // A client of its own address gets a connection of its own.
          ...(options.localAddress
            ? { localAddress: options.localAddress, agent: false }
            : { agent: this.agent }),
          timeout: options.timeoutMs ?? 120_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => resolve({ status: 0, body: { error: e.message } }));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ status: res.statusCode ?? 0, body: parse(text) });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('client time-out')));
      req.on('error', (e) => resolve({ status: 0, body: { error: e.message } }));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
