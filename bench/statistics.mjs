// @ts-check
/**
 * Statistics benchmark: `npm run bench:statistics` (builds first, then runs this
 * against the compiled code in dist/, the code the service runs).
 *
 * Makes a scratch database `housing_bench`, migrates it, fills it with N approved
 * households (one INSERT … SELECT FROM generate_series) and, in one run, prints:
 *   (a) the tier table of the county (countyTierTable, the service's query path)
 *       against a bare GROUP BY on the same rows: target ≤ 1.5 ×;
 *   (b) the register CSV export (streamRegisterCsv: one COPY formatting the lines,
 *       passed on with CRLF; the route's path) in rows/s against a plain COPY of the
 *       same columns, rows and order through psql: target ≥ 0.5 ×;
 *   (c) the export's peak memory above its baseline at 100k and at N rows, each
 *       in a fresh process: target flat (at N no more than 1.5 × at 100k).
 * Figures are medians of a few runs. Not a test: it prints, it never fails on a figure.
 *
 * Flags: --rows=1000000  --runs=5  --keep (leave the database)
 *        --server=postgres://postgres@127.0.0.1:5432
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { Writable } from 'node:stream';
import { clearInterval, setInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { parseFlags } from './lib/args.mjs';

const require = createRequire(import.meta.url);
/**
 * The compiled code; TypeScript does not follow this path, the types come from the sources.
 * @param {string} path
 * @returns {unknown}
 */
const fromDist = (path) => require(`../dist/${path}`);
const statistics = /** @type {typeof import('../libs/statistics/src')} */ (
  fromDist('libs/statistics/src')
);
const database = /** @type {typeof import('../libs/database/src')} */ (
  fromDist('libs/database/src')
);
const { loadConfig } = /** @type {typeof import('../libs/config/src')} */ (
  fromDist('libs/config/src')
);

/**
 * @typedef {{ rows: number, ms: number, peakMb: number, baselineMb: number, retainedMb: number }} Measured
 * @typedef {{ rows: number, runs: number, exportRuns: number, small: number, version: string,
 *   fill: number, analyse: number, tableMs: number, rawMs: number, exportMs: number,
 *   bytes: number, copyMs: number, bareCopyMs: number, psqlStartMs: number, totalS: number,
 *   memory: Record<'csvSmall' | 'csvHalf' | 'csvAll' | 'xlsxSmall' | 'xlsxHalf' | 'xlsxAll', Measured> }} Figures
 */

const DATABASE = 'housing_bench';
const TOWNS = 10;
const COMMUNITIES_PER_TOWN = 10;

const args = parseFlags(process.argv.slice(2));
const SERVER = args.server ?? 'postgres://postgres@127.0.0.1:5432';
const URL = `${SERVER}/${DATABASE}`;

if (args.child) await child(args);
else await main();

async function main() {
  const rows = Number(args.rows ?? 1_000_000);
  const runs = Number(args.runs ?? 5);
  const started = performance.now();

  await onServer([
    `DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`,
    `CREATE DATABASE ${DATABASE}`,
  ]);
  const config = loadConfig({ DATABASE_URL: URL, LOG_LEVEL: 'silent' });
  await database.runMigrations(config);
  const db = new DataSource(database.dataSourceOptions(config));
  await db.initialize();
  try {
    const world = await makeWorld(db);
    const fill = await timed(() => fillApplications(db, world, rows));
    const analyse = await timed(() => db.query('VACUUM (ANALYZE) applications'));
    const [{ version }] = /** @type {{ version: string }[]} */ (
      await db.query(`SELECT split_part(version(), ' on ', 1) AS version`)
    );

    // (a) the table against a bare GROUP BY on the same rows.
    const county = { id: world.campaign.countyId, path: world.countyPath };
    const table = () => statistics.countTierTable(db, world.campaign, county, 'approved');
    const raw = () =>
      db.query(
        `SELECT income_tier, area_tier, count(*), sum(persons) FROM applications GROUP BY 1, 2`,
      );
    await table();
    await raw();
    const tableMs = await medianOf(runs, table);
    const rawMs = await medianOf(runs, raw);
    const check = await table();
    if (check.total.households !== rows) throw new Error(`table counted ${check.total.households}`);
    const small = Math.min(100_000, rows);

    // (b) the register CSV against COPY of the same columns, rows and order.
    const exportRuns = Math.max(3, Math.ceil(runs / 2));
    let exported = 0;
    let bytes = 0;
    const exportCsv = async () => {
      const sink = countingSink();
      exported = await statistics.streamRegisterCsv(
        db,
        { campaignId: world.campaign.id, regionPath: world.countyPath },
        sink.stream,
      );
      bytes = sink.bytes();
    };
    await exportCsv();
    if (exported !== rows) throw new Error(`the register had ${exported} rows`);
    const exportMs = await medianOf(exportRuns, exportCsv);
    // psql's own start-up (a connection, no query) is taken off COPY's time.
    const psqlStartMs = await medianOf(exportRuns, () => psql('SELECT 1'));
    const copySql = copyQuery(world, true);
    await psql(copySql);
    const copyMs = (await medianOf(exportRuns, () => psql(copySql))) - psqlStartMs;
    const bareCopyMs =
      (await medianOf(exportRuns, () => psql(copyQuery(world, false)))) - psqlStartMs;

    // (c) peak memory in fresh processes: the county's register stopped after its
    // first 100k rows (the same query, as a LIMIT would), then the whole of it.
    const child = (/** @type {'csv' | 'xlsx'} */ format, /** @type {number} */ limit) =>
      measureInChild(format, world.campaign.id, world.countyPath, limit);
    const half = Math.round(rows / 2);
    const memory = {
      csvSmall: await child('csv', small),
      csvHalf: await child('csv', half),
      csvAll: await child('csv', rows),
      xlsxSmall: await child('xlsx', small),
      xlsxHalf: await child('xlsx', half),
      xlsxAll: await child('xlsx', rows),
    };

    report({
      rows,
      runs,
      exportRuns,
      small,
      version,
      fill,
      analyse,
      tableMs,
      rawMs,
      exportMs,
      bytes,
      copyMs,
      bareCopyMs,
      psqlStartMs,
      memory,
      totalS: (performance.now() - started) / 1000,
    });
  } finally {
    await db.destroy();
    if (args.keep) process.stdout.write(`\nKept the database ${DATABASE} (--keep).\n`);
    else await onServer([`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`]);
  }
}

/** @param {string[]} statements */
async function onServer(statements) {
  const client = new pg.Client({ connectionString: `${SERVER}/postgres` });
  await client.connect();
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A county of 10 towns of 10 communities, one applicant account and a campaign
 * with the notice's parameters (reference income 20000 yuan, 10 m², tiers 0.3…1.0 and 5…10 m²).
 * @param {import('typeorm').DataSource} db
 */
async function makeWorld(db) {
  const countyId = randomUUID();
  const countyPath = `/${countyId}/`;
  /** @type {[string, string, string, string, string | null, string][]} */
  const regions = [[countyId, 'BENCH', '基准县', 'county', null, countyPath]];
  let townPath = '';
  for (let t = 0; t < TOWNS; t++) {
    const townId = randomUUID();
    const path = `${countyPath}${townId}/`;
    if (t === 0) townPath = path;
    regions.push([townId, `BENCH-${t}`, `镇${t}`, 'town', countyId, path]);
    for (let c = 0; c < COMMUNITIES_PER_TOWN; c++) {
      const id = randomUUID();
      const code = `BENCH-${t}-${String(c).padStart(2, '0')}`;
      regions.push([id, code, `社区${t}-${c}`, 'community', townId, `${path}${id}/`]);
    }
  }
  for (const r of regions) {
    await db.query(
      `INSERT INTO regions (id, code, name, level, parent_id, path) VALUES ($1, $2, $3, $4, $5, $6)`,
      r,
    );
  }
  const [{ id: userId }] = /** @type {{ id: string }[]} */ (
    await db.query(
      `INSERT INTO users (username, password_hash, name, role)
       VALUES ('bench', 'not-a-hash', '基准', 'applicant') RETURNING id`,
    )
  );
  /** @type {{ id: string, countyId: string, incomeCoefficients: number[], areaTierBoundsCenti: number[] }[]} */
  const [campaign] = await db.query(
    `INSERT INTO campaigns (name, county_id, reference_income_fen, area_limit_centi,
       income_coefficients, area_tier_bounds_centi, age_cutoff_date, hukou_cutoff_date,
       transfer_cutoff_date, opens_on, closes_on, report_due_on, review_days_community,
       review_days_town, review_days_bureau, notice_days)
     VALUES ('2026年摸底调查', $1, 2000000, 1000, '{30,40,50,60,70,80,90,100}',
       '{500,600,700,800,900,1000}', '2026-09-01', '2023-09-01', '2021-09-01',
       '2026-09-01', '2026-10-31', '2026-11-30', 15, 15, 15, 5)
     RETURNING id, county_id AS "countyId", income_coefficients AS "incomeCoefficients",
       area_tier_bounds_centi AS "areaTierBoundsCenti"`,
    [countyId],
  );
  return { countyPath, townPath, userId, campaign };
}

/**
 * N approved households in one statement. Persons 1–6 (mostly 2–3); per-capita
 * income up to the reference, skewed low, one in twenty with none; one in seven
 * without housing, the others 1–10 m² each; tiers worked out in SQL from the
 * campaign's own coefficients and bounds, as the service decides them (income ×
 * 100 ≤ coefficient × reference × persons; area ≤ bound × persons). Community
 * g % 100, so town 0 holds a tenth. Archive numbers are a permutation of 1…N
 * (g × m mod N, m prime to N) so that the table's physical order is not the
 * archive order, as in a real county where households apply in one order and
 * are approved in another.
 * @param {import('typeorm').DataSource} db
 * @param {Awaited<ReturnType<typeof makeWorld>>} world
 * @param {number} rows
 */
async function fillApplications(db, world, rows) {
  let multiplier = 7919;
  while (gcd(multiplier, rows) !== 1) multiplier += 2;
  const width = String(rows).length;
  const runner = db.createQueryRunner();
  try {
    await runner.query('SELECT setseed(0.2026)');
    await runner.query(
      `WITH c AS (SELECT * FROM campaigns WHERE id = $1),
       communities AS (
         SELECT id, path, (row_number() OVER (ORDER BY code) - 1)::int AS ord
           FROM regions WHERE level = 'community'),
       draws AS (
         SELECT g, random() AS u1, random() AS u2, random() AS u3, random() AS u4, random() AS u5
           FROM generate_series(1, $3::int) AS g),
       households AS (
         SELECT g, u2, u3, u4, u5,
                CASE WHEN u1 < 0.15 THEN 1 WHEN u1 < 0.40 THEN 2 WHEN u1 < 0.75 THEN 3
                     WHEN u1 < 0.90 THEN 4 WHEN u1 < 0.97 THEN 5 ELSE 6 END AS persons
           FROM draws),
       figures AS (
         SELECT h.g, h.persons,
                CASE WHEN h.u2 < 0.05 THEN 0
                     ELSE floor(power(h.u3, 1.3) * c.reference_income_fen * h.persons)::bigint
                END AS income,
                CASE WHEN h.u4 < 0.15 THEN 0
                     ELSE floor((100 + h.u5 * 900) * h.persons)::int END AS area
           FROM households h, c)
       INSERT INTO applications (campaign_id, community_id, region_path, applicant_user_id,
         status, household, persons, household_income_fen, counted_area_centi, income_tier,
         area_tier, eligible, submitted_at, approved_at, archive_no)
       SELECT c.id, r.id, r.path, $2, 'approved', '{"members": [], "properties": []}',
              f.persons, f.income, f.area,
              (SELECT min(k) FROM unnest(c.income_coefficients) AS k
                WHERE f.income * 100 <= k * c.reference_income_fen * f.persons),
              CASE WHEN f.area = 0 THEN 0
                   ELSE (SELECT min(b) FROM unnest(c.area_tier_bounds_centi) AS b
                          WHERE f.area <= b * f.persons) END,
              true, '2026-10-01T09:00:00+08:00', '2026-11-20T00:00:00+08:00',
              'BENCH-2026-' || lpad(((f.g::bigint * $4) % $3 + 1)::text, $5, '0')
         FROM figures f
         CROSS JOIN c
         JOIN communities r ON r.ord = f.g % ${TOWNS * COMMUNITIES_PER_TOWN}`,
      [world.campaign.id, world.userId, rows, multiplier, width],
    );
  } finally {
    await runner.release();
  }
}

/** @param {number} a @param {number} b @returns {number} */
function gcd(a, b) {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * COPY of the register's columns: archive number, community, persons, the
 * per-capita figures (rounded half up to 0.01, as the export shows them) and
 * the tiers, of the same rows. `sameAsExport`: also in archive order, as the
 * file must be; otherwise without the order (for reference).
 * @param {Awaited<ReturnType<typeof makeWorld>>} world
 * @param {boolean} sameAsExport
 */
function copyQuery(world, sameAsExport) {
  return `COPY (
    SELECT a.archive_no, r.name, a.persons,
           round(a.household_income_fen::numeric / a.persons) / 100,
           round(a.counted_area_centi::numeric / a.persons) / 100, a.income_tier, a.area_tier
      FROM applications a JOIN regions r ON r.id = a.community_id
     WHERE a.campaign_id = '${world.campaign.id}' AND a.status = 'approved'
       AND a.region_path LIKE '${world.countyPath}%'
     ${sameAsExport ? 'ORDER BY a.archive_no' : ''}
  ) TO STDOUT (FORMAT csv, HEADER)`;
}

/** Runs one statement in psql, its output to /dev/null. @param {string} sql @returns {Promise<void>} */
function psql(sql) {
  return new Promise((resolve, reject) => {
    const proc = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', URL, '-c', sql], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    proc.on('error', reject);
    proc.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql exited ${code}`))));
  });
}

/**
 * A Writable that counts and discards; it never asks the writer to wait. With
 * `lineLimit`, it goes away (as a client closing the connection) once it has
 * had that many lines after the header, which stops a COPY as a LIMIT would.
 * @param {number} [lineLimit]
 */
function countingSink(lineLimit = Infinity) {
  let bytes = 0;
  let lines = -1;
  const stream = new Writable({
    /** @param {Buffer} chunk @param {BufferEncoding} _encoding @param {() => void} done */
    write(chunk, _encoding, done) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
      if (lines >= lineLimit) stream.destroy();
      done();
    },
  });
  return { stream, bytes: () => bytes, lines: () => Math.min(lines, lineLimit) };
}

/**
 * Runs one export in a fresh process (so that every measurement starts from the same heap).
 * @param {'csv' | 'xlsx'} format @param {string} campaignId @param {string} regionPath
 * @param {number} expected
 * @returns {Promise<Measured>}
 */
function measureInChild(format, campaignId, regionPath, expected) {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      [
        '--expose-gc',
        fileURLToPath(import.meta.url),
        `--child=${format}`,
        `--campaign=${campaignId}`,
        `--region=${regionPath}`,
        `--limit=${expected}`,
        `--server=${SERVER}`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    proc.stdout.on('data', (chunk) => (out += String(chunk)));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`the ${format} export process exited ${code}`));
      /** @type {unknown} */
      const parsed = JSON.parse(out);
      const result = /** @type {Measured} */ (parsed);
      if (result.rows !== expected)
        return reject(new Error(`${format}: ${result.rows} rows, expected ${expected}`));
      resolve(result);
    });
  });
}

/**
 * In a child: one export of the region into a discarding sink, RSS sampled
 * every 10 ms; prints rows, time and peak RSS above the baseline taken just before.
 * @param {Record<string, string | undefined>} options
 */
async function child(options) {
  const config = loadConfig({ DATABASE_URL: URL, LOG_LEVEL: 'silent' });
  const db = new DataSource(database.dataSourceOptions(config));
  await db.initialize();
  const filter = { campaignId: String(options.campaign), regionPath: String(options.region) };
  const gc = /** @type {{ gc?: () => void }} */ (globalThis).gc ?? (() => undefined);
  gc();
  await db.query('SELECT 1');
  gc();
  const baseline = process.memoryUsage().rss;
  const baselineHeap = process.memoryUsage().heapUsed;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  const start = performance.now();
  const limit = Number(options.limit);
  let rows;
  if (options.child === 'xlsx') {
    // The service's own COPY of sheet rows (streamRegisterXlsx's), cut after `limit` rows.
    const copy = statistics.copyOut(db, statistics.sheetRowsCopy(filter));
    rows = await statistics.writeWorkbook(upTo(copy, limit), countingSink().stream);
  } else {
    const sink = countingSink(limit);
    rows = await statistics
      .streamRegisterCsv(db, filter, sink.stream)
      .catch((/** @type {unknown} */ e) => {
        if (!(e instanceof statistics.ExportAbortedError)) throw e;
        return sink.lines();
      });
  }
  const ms = performance.now() - start;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  gc();
  const retained = process.memoryUsage().heapUsed - baselineHeap;
  await db.destroy();
  const mb = (/** @type {number} */ b) => b / 2 ** 20;
  process.stdout.write(
    JSON.stringify({
      rows,
      ms,
      peakMb: mb(peak - baseline),
      baselineMb: mb(baseline),
      retainedMb: mb(retained),
    }),
  );
}

/**
 * The chunks of a COPY up to the end of its `limit`-th line, then stops the COPY
 * (its connection is discarded), as a LIMIT would.
 * @param {AsyncGenerator<Buffer>} chunks
 * @param {number} limit
 */
async function* upTo(chunks, limit) {
  let left = limit;
  for await (const chunk of chunks) {
    const { end, lines } = statistics.afterLines(chunk, 0, left);
    left -= lines;
    yield end === chunk.length ? chunk : chunk.subarray(0, end);
    if (left === 0) return;
  }
}

/** @param {() => Promise<unknown>} fn */
async function timed(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** @param {number} n @param {() => Promise<unknown>} fn */
async function medianOf(n, fn) {
  const times = [];
  for (let i = 0; i < n; i++) times.push(await timed(fn));
  times.sort((a, b) => a - b);
  return times.length % 2 ? times[(times.length - 1) / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
}

/** @param {Figures} r */
function report(r) {
  const n = (/** @type {number} */ x) => Math.round(x).toLocaleString('en-US');
  const ms = (/** @type {number} */ x) => `${n(x)} ms`;
  const perS = (/** @type {number} */ t) => `${n((r.rows / t) * 1000)} rows/s`;
  const met = (/** @type {boolean} */ ok) => (ok ? 'MET' : 'NOT MET');
  const tableRatio = r.tableMs / r.rawMs;
  const exportRatio = r.copyMs / r.exportMs;
  const m = r.memory;
  const csvFlat = m.csvAll.peakMb / m.csvSmall.peakMb;
  const xlsxFlat = m.xlsxAll.peakMb / m.xlsxSmall.peakMb;
  /** @type {[string, Measured][]} */
  const memoryRows = [
    ['CSV ', m.csvSmall],
    ['CSV ', m.csvHalf],
    ['CSV ', m.csvAll],
    ['XLSX', m.xlsxSmall],
    ['XLSX', m.xlsxHalf],
    ['XLSX', m.xlsxAll],
  ];
  const lines = [
    '',
    `Statistics benchmark: ${n(r.rows)} approved households (${r.version}, ${cpus().length} CPUs, node ${process.version})`,
    `  fill ${ms(r.fill)} (one INSERT … SELECT FROM generate_series), VACUUM ANALYZE ${ms(r.analyse)}`,
    '',
    `(a) Tier table of the county, approved stage: median of ${r.runs}`,
    `    service (countTierTable: WHERE campaign, status; GROUP BY) ${ms(r.tableMs)}`,
    `    raw SELECT income_tier, area_tier, count(*), sum(persons) GROUP BY 1, 2  ${ms(r.rawMs)}`,
    `    table / raw = ${tableRatio.toFixed(2)}   target ≤ 1.50   ${met(tableRatio <= 1.5)}`,
    '',
    `(b) Register CSV of the county, ${n(r.rows)} rows: median of ${r.exportRuns}`,
    `    export (streamRegisterCsv: formatting COPY → CRLF → discarding sink) ${ms(r.exportMs)}  ${perS(r.exportMs)}  ${(r.bytes / 2 ** 20).toFixed(1)} MB`,
    `    COPY same columns, rows and order (psql → /dev/null)        ${ms(r.copyMs)}  ${perS(r.copyMs)}`,
    `    for reference: COPY without ORDER BY ${ms(r.bareCopyMs)} (${perS(r.bareCopyMs)}); psql start-up (${ms(r.psqlStartMs)}) taken off both`,
    `    export speed / COPY speed = ${exportRatio.toFixed(2)}   target ≥ 0.50   ${met(exportRatio >= 0.5)}`,
    '',
    '(c) Peak memory of one export above its baseline (RSS sampled every 10 ms, fresh process each;',
    '    the first rows of the county in archive order, as a LIMIT would, then all of them)',
    ...memoryRows.map(
      ([format, x]) =>
        `    ${format} ${n(x.rows).padStart(9)} rows: peak ${x.peakMb.toFixed(1).padStart(6)} MB, ` +
        `heap still held after GC ${x.retainedMb.toFixed(1).padStart(5)} MB, ${ms(x.ms)} (${n((x.rows / x.ms) * 1000)} rows/s)`,
    ),
    `    baseline RSS ≈ ${m.csvSmall.baselineMb.toFixed(0)} MB. 10 × the rows (${n(r.small)} → ${n(r.rows)}): CSV peak × ${csvFlat.toFixed(2)}, XLSX peak × ${xlsxFlat.toFixed(2)}`,
    `    target flat (≤ 1.50 ×)   CSV ${met(csvFlat <= 1.5)}, XLSX ${met(xlsxFlat <= 1.5)}`,
    '',
    `Total ${(r.totalS / 60).toFixed(1)} min.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
