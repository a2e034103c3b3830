// DuckDB peer: read_csv + one SQL query computing the unit totals of the bench pool.
// Usage: node duckdb_job.mjs POOL.csv OUT.csv [THREADS]   (THREADS defaults to 2)
// Writes "unit,total" lines, sorted by unit. See README.md in this folder for the job.
import { writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [csv, out, threadsArg] = process.argv.slice(2);
if (!csv || !out) {
  console.error('usage: node duckdb_job.mjs POOL.csv OUT.csv [THREADS]');
  process.exit(1);
}
const threads = Number.parseInt(threadsArg ?? '2', 10);

// The job, as in bench/pool.yaml: 30 items q01..q30 with weights 1 + (j mod 3); codes 1, 2, 3
// earn 100, 80, 0 points; 4 (don't know) and blanks are not answered; a ballot answering fewer
// than 0.5 x 30 = 15 items is void; nine groups with these shares; the survey is worth 80 points.
const K = 30;
const minAnswered = 0.5 * K;
const shares = { g1: 0.15, g2: 0.15, g3: 0.12, g4: 0.12, g5: 0.1, g6: 0.1, g7: 0.08, g8: 0.1, g9: 0.08 };
const points = 80;

const items = Array.from({ length: K }, (_, i) => {
  const j = i + 1;
  return { col: `q${String(j).padStart(2, '0')}`, w: 1 + (j % 3) };
});
const columns = { respondent_id: 'BIGINT', group: 'VARCHAR', unit: 'VARCHAR', weight: 'DOUBLE' };
for (const { col } of items) columns[col] = 'TINYINT';  // blank cells read as NULL

const lit = (s) => `'${s.replaceAll("'", "''")}'`;
const numerator = items
  .map(({ col, w }) => `CASE ${col} WHEN 1 THEN ${100 * w} WHEN 2 THEN ${80 * w} ELSE 0 END`)
  .join(' + ');
const denominator = items.map(({ col, w }) => `CASE WHEN ${col} BETWEEN 1 AND 3 THEN ${w} ELSE 0 END`).join(' + ');
const answered = items.map(({ col }) => `CASE WHEN ${col} BETWEEN 1 AND 3 THEN 1 ELSE 0 END`).join(' + ');
const shareRows = Object.entries(shares).map(([g, s]) => `(${lit(g)}, ${s})`).join(', ');
const columnSpec = `{${Object.entries(columns).map(([c, t]) => `${lit(c)}: ${lit(t)}`).join(', ')}}`;

const sql = `
WITH ballots AS (
  SELECT "group" AS g, unit AS u, weight AS v,
         (${numerator})::DOUBLE AS num, (${denominator})::DOUBLE AS den, (${answered}) AS n
  FROM read_csv(${lit(csv)}, header = true, delim = ',', quote = '"', columns = ${columnSpec})
),
group_means AS (   -- valid ballots only; M_ug = sum(v S) / sum(v)
  SELECT u, g, sum(v * (num / den)) / sum(v) AS m
  FROM ballots
  WHERE n > 0 AND n >= ${minAnswered}
  GROUP BY u, g
),
shares(g, share) AS (VALUES ${shareRows})
SELECT u, ${points} * (sum(share * m) / sum(share)) / 100 AS total   -- shares renormalised over groups present
FROM group_means JOIN shares USING (g)
GROUP BY u
ORDER BY u`;

const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const connection = await instance.connect();
await connection.run(`SET threads = ${threads}`);
const reader = await connection.runAndReadAll(sql);
const lines = reader.getRows().map(([u, total]) => `${u},${total.toPrecision(17)}`);
writeFileSync(out, lines.join('\n') + '\n');
connection.closeSync?.();
instance.closeSync?.();
