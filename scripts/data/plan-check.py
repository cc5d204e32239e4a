#!/usr/bin/env python3
"""Judges the plans of every statement the application ran (docs/database.md, "Plan check").

  plan-check.py STATEMENTS.json LARGE_TABLES.json LOG_DIR

STATEMENTS.json: pg_stat_statements rows of the application's role (queryid, calls, query), the list of what ran.
LARGE_TABLES.json: {relname: reltuples} of the tables counted as large.
LOG_DIR: the server's jsonlog files, holding auto_explain's EXPLAIN (ANALYZE, BUFFERS, VERBOSE) of every
execution of those statements, with their real parameters, under default planner settings.

A statement fails when any of its plans has a sequential scan of a large table, reads more than MAX_BUFFERS
shared buffers (hit + read), sorts on disk, or when its median execution takes more than MAX_MEDIAN_MS; and when
pg_stat_statements lists it but no plan of it was logged. Exit 1 on any failure.
"""
import glob
import json
import os
import re
import statistics
import sys

MAX_BUFFERS = int(os.environ.get("PLAN_MAX_BUFFERS", "10000"))       # 80 MB of 8 kB pages per execution
MAX_MEDIAN_MS = float(os.environ.get("PLAN_MAX_MEDIAN_MS", "100"))   # a shared, noisy CI machine


def normalized(sql):
    """The statement with every constant and parameter as ?, as pg_stat_statements would show either way."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\$\d+", "?", sql)
    sql = re.sub(r"(?<![\w.])\d+(?:\.\d+)?\b", "?", sql)
    sql = re.sub(r"(?i)\b(?:true|false|null)\b", "?", sql)
    return " ".join(sql.split()).rstrip(";").strip()


def nodes(plan):
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def main(statements_path, large_path, log_dir):
    statements = json.load(open(statements_path))
    large = json.load(open(large_path))
    plans = {}
    for path in sorted(glob.glob(os.path.join(log_dir, "*.json"))):
        for line in open(path, encoding="utf-8", errors="replace"):
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            message = entry.get("message", "")
            if not message.startswith("duration: ") or "plan:" not in message:
                continue
            duration = float(message.split()[1])
            plan = json.loads(message.split("plan:", 1)[1])
            # matched on the normalized text, not on the log line's query_id: with the extended protocol a
            # portal's executor ends (and auto_explain logs) when the NEXT statement binds, under that one's id
            plans.setdefault(normalized(plan.get("Query Text", "")), []).append((duration, plan))

    failures = 0
    print(f"{'calls':>6} {'plans':>5} {'max buf':>8} {'med ms':>7}  verdict  statement")
    for statement in sorted(statements, key=lambda s: -s["calls"]):
        text = " ".join(statement["query"].split())
        found = plans.get(normalized(statement["query"]), [])
        problems = set()
        worst_buffers = 0
        for duration, plan in found:
            top = plan["Plan"]
            buffers = top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
            worst_buffers = max(worst_buffers, buffers)
            for node in nodes(top):
                relation = node.get("Relation Name")
                if node["Node Type"] == "Seq Scan" and relation in large:
                    problems.add(f"seq scan of {relation} ({int(large[relation])} rows)")
                if node.get("Sort Space Type") == "Disk":
                    problems.add("sort on disk")
            if buffers > MAX_BUFFERS:
                problems.add(f"{buffers} buffers > {MAX_BUFFERS}")
        median = statistics.median(d for d, _ in found) if found else 0.0
        if found and median > MAX_MEDIAN_MS:
            problems.add(f"median {median:.1f} ms > {MAX_MEDIAN_MS} ms")
        if not found:
            problems.add("no plan logged")
        verdict = "FAIL" if problems else "ok"
        failures += bool(problems)
        print(f"{statement['calls']:>6} {len(found):>5} {worst_buffers:>8} {median:>7.2f}  {verdict:<7}  {text[:150]}")
        for problem in sorted(problems):
            print(f"{'':>31}  -> {problem}")
            if found:
                worst = max(found, key=lambda f: f[1]["Plan"].get("Shared Hit Blocks", 0))[1]
                print("   query: " + " ".join(worst.get("Query Text", "").split())[:400])
                print("   plan:  " + summary(worst["Plan"]))
    print(f"plan check: {len(statements)} statements, {sum(len(p) for p in plans.values())} plans, "
          f"{failures} failing (thresholds: seq scan of a table of >= {os.environ.get('PLAN_LARGE_ROWS', '10000')} rows, "
          f"{MAX_BUFFERS} buffers, median {MAX_MEDIAN_MS} ms, no disk sort)")
    return 1 if failures else 0


def summary(plan, depth=0):
    name = plan["Node Type"] + (" on " + plan["Relation Name"] if "Relation Name" in plan else "") \
        + (" using " + plan["Index Name"] if "Index Name" in plan else "")
    rows = plan.get("Actual Rows", "?")
    text = f"{name} (rows={rows}, buffers={plan.get('Shared Hit Blocks', 0) + plan.get('Shared Read Blocks', 0)})"
    children = [summary(child, depth + 1) for child in plan.get("Plans", [])]
    return text + (" <- [" + "; ".join(children) + "]" if children else "")


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
