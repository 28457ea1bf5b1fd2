import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Jest cannot switch TZ per test, so guard the property structurally: no
// production file may read or write local-time fields or parse zone-less
// strings. (The suite is also meant to pass under any TZ, e.g. TZ=America/Los_Angeles.)
const LOCAL_TIME_APIS = [
  /\.(get|set)(FullYear|Month|Date|Day|Hours|Minutes|Seconds|Milliseconds)\(/,
  /\.getTimezoneOffset\(/,
  /\.toLocale\w*\(/,
  /\.to(Date|Time)String\(/,
  /Date\.parse\(/,
  /new Date\(\s*['"`]/,
];

const sources = readdirSync(__dirname).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));

describe('production code uses UTC-based Date APIs only', () => {
  it('has sources to check', () => {
    expect(sources.length).toBeGreaterThan(0);
  });

  it.each(sources)('%s uses no local-time Date API', (file) => {
    const text = readFileSync(join(__dirname, file), 'utf8');
    for (const pattern of LOCAL_TIME_APIS) expect(text).not.toMatch(pattern);
  });
});
