#!/usr/bin/env python3
"""Turns a checkout into the traced build the device runs used (never committed as code):
    python3 bench/device/trace_patch.py TREE
edits TREE/include/qscore/pipeline.hpp and TREE/src/cli/score.cpp so that, with QSCORE_TRACE=1,
`qscore score` prints a timeline on stderr at exit (qscore_trace.hpp): one line a segment (S:
start, wall and CPU microseconds), its key counting (K), each merge (M) and the merging thread's
wait for it (MW), each wait of a worker for a place in the window (WW), and the run's phases
(START, PLAN, JOIN0/1, KEYS, IDS, SCORED, FINAL, WRITTEN). trace_summary.py reads it."""
import sys

tree = sys.argv[1]
p = f"{tree}/include/qscore/pipeline.hpp"
s = open(p).read()
s = s.replace('#include <thread>\n', '#include <thread>\n#include "../../bench/device/qscore_trace.hpp"\n', 1)
edits = [
    ('''      segment_result result = score_segment(plan, file, options, range_of(k), buffers, nullptr, deferred, &numbers);
      if (workers_count_keys) score_keys.take_keys(result.totals, static_cast<std::size_t>(k));''',
     '''      const long w0 = qscore_trace::wall_us(), c0 = qscore_trace::cpu_us();
      segment_result result = score_segment(plan, file, options, range_of(k), buffers, nullptr, deferred, &numbers);
      const long w1 = qscore_trace::wall_us(), c1 = qscore_trace::cpu_us();
      if (workers_count_keys) score_keys.take_keys(result.totals, static_cast<std::size_t>(k));
      qscore_trace::event("S", static_cast<long>(k), w0, w1 - w0, c1 - c0);
      qscore_trace::event("K", static_cast<long>(k), qscore_trace::wall_us() - w1, qscore_trace::cpu_us() - c1, 0);'''),
    ('''      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return done[k].has_value(); });''',
     '''      const long mw0 = qscore_trace::wall_us();
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return done[k].has_value(); });
      qscore_trace::event("MW", static_cast<long>(k), mw0, qscore_trace::wall_us() - mw0, 0);'''),
    ('''        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return stop || next_segment >= segments || next_segment < merged + window; });''',
     '''        const long ww0 = qscore_trace::wall_us();
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return stop || next_segment >= segments || next_segment < merged + window; });
        if (qscore_trace::wall_us() - ww0 > 50) qscore_trace::event("WW", static_cast<long>(next_segment), ww0, qscore_trace::wall_us() - ww0, 0);'''),
    ('''    merge(run.totals, part.totals);''',
     '''    const long m0 = qscore_trace::wall_us(), mc0 = qscore_trace::cpu_us();
    merge(run.totals, part.totals);
    qscore_trace::event("M", static_cast<long>(k), m0, qscore_trace::wall_us() - m0, qscore_trace::cpu_us() - mc0);'''),
    ('''  for (auto& thread : pool) thread.join();
  score_keys.move_into(run.totals);''',
     '''  qscore_trace::event("JOIN0", qscore_trace::wall_us());
  for (auto& thread : pool) thread.join();
  qscore_trace::event("JOIN1", qscore_trace::wall_us());
  score_keys.move_into(run.totals);
  qscore_trace::event("KEYS", qscore_trace::wall_us());'''),
    ('''  return run;
}

}  // namespace detail''',
     '''  qscore_trace::event("IDS", qscore_trace::wall_us());
  return run;
}

}  // namespace detail'''),
]
for old, new in edits:
    if old not in s:
        sys.exit(f"trace_patch: pipeline.hpp has changed; not found:\n{old}")
    s = s.replace(old, new, 1)
open(p, "w").write(s)

p = f"{tree}/src/cli/score.cpp"
s = open(p).read()
edits = [
    ('int run_score(const score_args& args) {\n',
     'int run_score(const score_args& args) {\n  qscore_trace::event("START", qscore_trace::wall_us());\n'),
    ('  auto totals = score_file(*plan, args.responses, file_options);',
     '  qscore_trace::event("PLAN", qscore_trace::wall_us());\n  auto totals = score_file(*plan, args.responses, file_options);\n'
     '  qscore_trace::event("SCORED", qscore_trace::wall_us());'),
    ('  report r = finalize(*plan, *totals, report_opts);',
     '  report r = finalize(*plan, *totals, report_opts);\n  qscore_trace::event("FINAL", qscore_trace::wall_us());'),
    ('  return exit_ok;\n}', '  qscore_trace::event("WRITTEN", qscore_trace::wall_us());\n  return exit_ok;\n}'),
    ('#include "qscore/report/finalize.hpp"', '#include "qscore/report/finalize.hpp"\n#include "qscore/pipeline.hpp"'),
]
for old, new in edits:
    if old not in s:
        sys.exit(f"trace_patch: score.cpp has changed; not found:\n{old}")
    s = s.replace(old, new, 1)
open(p, "w").write(s)
