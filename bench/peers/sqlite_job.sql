-- SQLite peer: the unit totals of the bench pool in plain SQL, on the CSV imported as table `pool`.
-- run_peers.sh runs it as
--   sqlite3 -batch -cmd '.import --csv POOL.csv pool' -cmd '.output OUT.csv' :memory: < sqlite_job.sql
-- (.import with a header row makes every column TEXT: blanks are '', codes '1'..'4').
-- Writes "unit,total" lines, sorted by unit. See README.md in this folder for the job.
--
-- The job, as in bench/pool.yaml: 30 items q01..q30 with weights 1 + (j mod 3); codes 1, 2, 3 earn
-- 100, 80, 0 points; 4 (don't know) and blanks are not answered; a ballot answering fewer than
-- 0.5 x 30 = 15 items is void; nine groups with these shares; the survey is worth 80 points.
.mode csv
.headers off
WITH ballots AS (
  SELECT "group" AS g, unit AS u, CAST(weight AS REAL) AS v,
       CASE q01 WHEN '1' THEN 200 WHEN '2' THEN 160 ELSE 0 END
       + CASE q02 WHEN '1' THEN 300 WHEN '2' THEN 240 ELSE 0 END
       + CASE q03 WHEN '1' THEN 100 WHEN '2' THEN 80 ELSE 0 END
       + CASE q04 WHEN '1' THEN 200 WHEN '2' THEN 160 ELSE 0 END
       + CASE q05 WHEN '1' THEN 300 WHEN '2' THEN 240 ELSE 0 END
       + CASE q06 WHEN '1' THEN 100 WHEN '2' THEN 80 ELSE 0 END
       + CASE q07 WHEN '1' THEN 200 WHEN '2' THEN 160 ELSE 0 END
       + CASE q08 WHEN '1' THEN 300 WHEN '2' THEN 240 ELSE 0 END
       + CASE q09 WHEN '1' THEN 100 WHEN '2' THEN 80 ELSE 0 END
       + CASE q10 WHEN '1' THEN 200 WHEN '2' THEN 160 ELSE 0 END
       + CASE q11 WHEN '1' THEN 300 WHEN '2' THEN 240 ELSE 0 END
       + CASE q12 WHEN '1' THEN 100 WHEN '2' THEN 80 ELSE 0 END
       + CASE q13 WHEN '1' THEN 200 WHEN '2' THEN 160 ELSE 0 END
       + CASE q14 WHEN '1' THEN 300 WHEN '2' THEN 240 ELSE 0 END
       + CASE q15 WHEN '1' THEN 100 WHEN '2' THEN 80 ELSE 0 END
       + CASE q16 WHEN '1' THEN 200 WHEN '2' THEN 160 ELSE 0 END
       + CASE q17 WHEN '1' THEN 300 WHEN '2' THEN 240 ELSE 0 END
       + CASE q18 WHEN '1' THEN 100 WHEN '2' THEN 80 ELSE 0 END
       + CASE q19 WHEN '1' THEN 200 WHEN '2' THEN 160 ELSE 0 END
       + CASE q20 WHEN '1' THEN 300 WHEN '2' THEN 240 ELSE 0 END
       + CASE q21 WHEN '1' THEN 100 WHEN '2' THEN 80 ELSE 0 END
       + CASE q22 WHEN '1' THEN 200 WHEN '2' THEN 160 ELSE 0 END
       + CASE q23 WHEN '1' THEN 300 WHEN '2' THEN 240 ELSE 0 END
       + CASE q24 WHEN '1' THEN 100 WHEN '2' THEN 80 ELSE 0 END
       + CASE q25 WHEN '1' THEN 200 WHEN '2' THEN 160 ELSE 0 END
       + CASE q26 WHEN '1' THEN 300 WHEN '2' THEN 240 ELSE 0 END
       + CASE q27 WHEN '1' THEN 100 WHEN '2' THEN 80 ELSE 0 END
       + CASE q28 WHEN '1' THEN 200 WHEN '2' THEN 160 ELSE 0 END
       + CASE q29 WHEN '1' THEN 300 WHEN '2' THEN 240 ELSE 0 END
       + CASE q30 WHEN '1' THEN 100 WHEN '2' THEN 80 ELSE 0 END AS num,
       CASE WHEN q01 IN ('1', '2', '3') THEN 2 ELSE 0 END
       + CASE WHEN q02 IN ('1', '2', '3') THEN 3 ELSE 0 END
       + CASE WHEN q03 IN ('1', '2', '3') THEN 1 ELSE 0 END
       + CASE WHEN q04 IN ('1', '2', '3') THEN 2 ELSE 0 END
       + CASE WHEN q05 IN ('1', '2', '3') THEN 3 ELSE 0 END
       + CASE WHEN q06 IN ('1', '2', '3') THEN 1 ELSE 0 END
       + CASE WHEN q07 IN ('1', '2', '3') THEN 2 ELSE 0 END
       + CASE WHEN q08 IN ('1', '2', '3') THEN 3 ELSE 0 END
       + CASE WHEN q09 IN ('1', '2', '3') THEN 1 ELSE 0 END
       + CASE WHEN q10 IN ('1', '2', '3') THEN 2 ELSE 0 END
       + CASE WHEN q11 IN ('1', '2', '3') THEN 3 ELSE 0 END
       + CASE WHEN q12 IN ('1', '2', '3') THEN 1 ELSE 0 END
       + CASE WHEN q13 IN ('1', '2', '3') THEN 2 ELSE 0 END
       + CASE WHEN q14 IN ('1', '2', '3') THEN 3 ELSE 0 END
       + CASE WHEN q15 IN ('1', '2', '3') THEN 1 ELSE 0 END
       + CASE WHEN q16 IN ('1', '2', '3') THEN 2 ELSE 0 END
       + CASE WHEN q17 IN ('1', '2', '3') THEN 3 ELSE 0 END
       + CASE WHEN q18 IN ('1', '2', '3') THEN 1 ELSE 0 END
       + CASE WHEN q19 IN ('1', '2', '3') THEN 2 ELSE 0 END
       + CASE WHEN q20 IN ('1', '2', '3') THEN 3 ELSE 0 END
       + CASE WHEN q21 IN ('1', '2', '3') THEN 1 ELSE 0 END
       + CASE WHEN q22 IN ('1', '2', '3') THEN 2 ELSE 0 END
       + CASE WHEN q23 IN ('1', '2', '3') THEN 3 ELSE 0 END
       + CASE WHEN q24 IN ('1', '2', '3') THEN 1 ELSE 0 END
       + CASE WHEN q25 IN ('1', '2', '3') THEN 2 ELSE 0 END
       + CASE WHEN q26 IN ('1', '2', '3') THEN 3 ELSE 0 END
       + CASE WHEN q27 IN ('1', '2', '3') THEN 1 ELSE 0 END
       + CASE WHEN q28 IN ('1', '2', '3') THEN 2 ELSE 0 END
       + CASE WHEN q29 IN ('1', '2', '3') THEN 3 ELSE 0 END
       + CASE WHEN q30 IN ('1', '2', '3') THEN 1 ELSE 0 END AS den,
       (q01 IN ('1', '2', '3'))
       + (q02 IN ('1', '2', '3'))
       + (q03 IN ('1', '2', '3'))
       + (q04 IN ('1', '2', '3'))
       + (q05 IN ('1', '2', '3'))
       + (q06 IN ('1', '2', '3'))
       + (q07 IN ('1', '2', '3'))
       + (q08 IN ('1', '2', '3'))
       + (q09 IN ('1', '2', '3'))
       + (q10 IN ('1', '2', '3'))
       + (q11 IN ('1', '2', '3'))
       + (q12 IN ('1', '2', '3'))
       + (q13 IN ('1', '2', '3'))
       + (q14 IN ('1', '2', '3'))
       + (q15 IN ('1', '2', '3'))
       + (q16 IN ('1', '2', '3'))
       + (q17 IN ('1', '2', '3'))
       + (q18 IN ('1', '2', '3'))
       + (q19 IN ('1', '2', '3'))
       + (q20 IN ('1', '2', '3'))
       + (q21 IN ('1', '2', '3'))
       + (q22 IN ('1', '2', '3'))
       + (q23 IN ('1', '2', '3'))
       + (q24 IN ('1', '2', '3'))
       + (q25 IN ('1', '2', '3'))
       + (q26 IN ('1', '2', '3'))
       + (q27 IN ('1', '2', '3'))
       + (q28 IN ('1', '2', '3'))
       + (q29 IN ('1', '2', '3'))
       + (q30 IN ('1', '2', '3')) AS n
  FROM pool
),
group_means AS (   -- valid ballots only; M_ug = sum(v S) / sum(v)
  SELECT u, g, sum(v * (CAST(num AS REAL) / den)) / sum(v) AS m
  FROM ballots
  WHERE n > 0 AND n >= 15
  GROUP BY u, g
),
shares(g, share) AS (VALUES ('g1', 0.15), ('g2', 0.15), ('g3', 0.12), ('g4', 0.12), ('g5', 0.1),
                            ('g6', 0.1), ('g7', 0.08), ('g8', 0.1), ('g9', 0.08))
SELECT u, printf('%!.17g', 80 * (sum(share * m) / sum(share)) / 100) AS total   -- shares renormalised over groups present
FROM group_means JOIN shares USING (g)
GROUP BY u
ORDER BY u;
