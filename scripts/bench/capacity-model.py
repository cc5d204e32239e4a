#!/usr/bin/env python3
"""The capacity model of docs/performance.md, computed from the load harness's results.tsv.

    scripts/bench/capacity-model.py target/capacity/results.tsv [NAIVE_CONFIG] [FULL_CONFIG]

Every process here shares two cores, so raw throughput says little about AWS, where each task has its own
vCPUs. What carries over is CPU time per request, per process: for each configuration this takes the steps
that were healthy (under 1 % failed requests, p99 under 1 s) and fits, per process, cores = fixed + marginal x
rate. The marginal CPU-ms per request sizes the fleet; with one healthy step only, the step's average (which
also spreads the fixed cost over its requests) is used, and the table says so.

Sizing rule: every vCPU planned at 60 % utilisation. API tasks 1 vCPU / 2 GB on demand, at least 2; workers
1 vCPU / 2 GB on Fargate Spot (70 % below on demand), at least 1; PostgreSQL writer db.m7g Multi-AZ, the
smallest size with enough vCPUs (large = 2 vCPU, doubling; 16xlarge = 64 is the largest); read replicas
db.m7g.large (2 vCPU); Redis nodes cache.m7g.large, one core each (Redis executes commands on one thread), at
least 2 (primary + replica); Kafka brokers kafka.m5.large (2 vCPU), at least 3 (one per zone). Only what scales
with traffic is counted: the balancer, NAT, endpoints, monitoring and data transfer are the same in both
designs (docs/deploy-aws.md, "Monthly cost").
"""
import csv
import math
import sys

HOURS = 730
# On-demand us-east-1 list prices as recalled for mid-2025 (docs/deploy-aws.md, "Monthly cost"): not live
# prices; check them in the AWS Pricing Calculator before relying on them.
PRICE = {
    'fargate_task': (0.04048 + 2 * 0.004445) * HOURS,   # 1 vCPU / 2 GB: $36/month
    'spot_factor': 0.30,
    'writer_per_vcpu': 0.336 / 2 * HOURS,                # db.m7g.large Multi-AZ $0.336/h, doubling per size
    'replica_large': 0.168 * HOURS,                       # db.m7g.large $0.168/h: $123/month
    'cache_node': 0.126 * HOURS,                          # cache.m7g.large ~$0.126/h: $92/month
    'kafka_broker': 0.21 * HOURS,                         # kafka.m5.large ~$0.21/h: $153/month (storage extra)
}
UTILISATION = 0.6
WRITER_SIZES = [2, 4, 8, 16, 32, 48, 64]
WRITER_NAMES = {2: 'large', 4: 'xlarge', 8: '2xlarge', 16: '4xlarge', 32: '8xlarge', 48: '12xlarge', 64: '16xlarge'}
TARGETS = [1_000, 10_000, 100_000]


def parse_pairs(text):
    out = {}
    for part in text.split(';'):
        if '=' in part:
            k, v = part.split('=', 1)
            out[k] = float(v)
    return out


def failed_share(row):
    failed = 0
    for part in row['errors'].split(','):
        if '=' in part:
            kind, n = part.split('=', 1)
            if kind != '422':  # the mix's deliberate refusals (a follow of oneself), not failures
                failed += int(n)
    return failed / max(1, int(row['due']))


def per_request_costs(rows):
    """Marginal (or, with one healthy step, average) CPU-ms per request for each process."""
    healthy = [r for r in rows if failed_share(r) < 0.01 and float(r['p99_ms']) < 1000]
    if not healthy:
        return None, 'no healthy step', []
    if len(healthy) == 1:
        r = healthy[0]
        return parse_pairs(r['cpu_ms_per_request']), f"average of the {r['offered_rps']}/s step", healthy
    xs = [float(r['achieved_rps']) for r in healthy]
    cores = [parse_pairs(r['cpu_cores']) for r in healthy]
    costs = {}
    mean_x = sum(xs) / len(xs)
    for process in cores[0]:
        ys = [c.get(process, 0.0) for c in cores]
        mean_y = sum(ys) / len(ys)
        sxx = sum((x - mean_x) ** 2 for x in xs)
        slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / sxx
        # a negative slope is noise around a flat line (an idle process): cost nothing at the margin
        costs[process] = max(0.0, slope) * 1000
    steps = ', '.join(r['offered_rps'] for r in healthy)
    return costs, f'marginal, fitted over the healthy steps {steps}/s', healthy


def vcpus(rps, ms):
    return rps * ms / 1000 / UTILISATION


def size(rps, costs):
    api = max(2, math.ceil(vcpus(rps, costs.get('api', 0))))
    workers = max(1, math.ceil(vcpus(rps, costs.get('worker', 0))))
    writer_need = vcpus(rps, costs.get('pg-primary', 0))
    writer = next((s for s in WRITER_SIZES if s >= writer_need), None)
    replicas = math.ceil(vcpus(rps, costs['pg-replica']) / 2) if 'pg-replica' in costs else 0
    cache = max(2, math.ceil(vcpus(rps, costs['redis']))) if 'redis' in costs else 0
    brokers = max(3, math.ceil(vcpus(rps, costs['kafka']) / 2)) if 'kafka' in costs else 0
    cost = (api * PRICE['fargate_task'] + workers * PRICE['fargate_task'] * PRICE['spot_factor']
            + replicas * PRICE['replica_large'] + cache * PRICE['cache_node'] + brokers * PRICE['kafka_broker'])
    if writer is None:
        return (f'{api} / {workers} / none fits ({writer_need:.0f} vCPU) / {replicas} / {cache} / {brokers}', None)
    cost += writer * PRICE['writer_per_vcpu']
    return (f'{api} / {workers} / {WRITER_NAMES[writer]} / {replicas} / {cache} / {brokers}', cost)


def main():
    path = sys.argv[1]
    naive_name = sys.argv[2] if len(sys.argv) > 2 else 'bare'
    full_name = sys.argv[3] if len(sys.argv) > 3 else 'full'
    with open(path, newline='') as f:
        rows = list(csv.DictReader(f, delimiter='\t'))
    by_config = {}
    for row in rows:
        by_config.setdefault(row['config'], []).append(row)
    inputs = {}
    print('Inputs: CPU-ms per request by process (the sizing inputs)\n')
    print('| config | how | ' + ' | '.join(['api', 'worker', 'pg-primary', 'pg-replica', 'redis', 'kafka', 'lb']) + ' |')
    print('|---|---|' + '---:|' * 7)
    for name, config_rows in by_config.items():
        costs, how, _ = per_request_costs(config_rows)
        inputs[name] = costs
        if costs is None:
            print(f'| {name} | {how} |' + ' - |' * 7)
            continue
        cells = [f"{costs[p]:.2f}" if p in costs else '-' for p in
                 ['api', 'worker', 'pg-primary', 'pg-replica', 'redis', 'kafka', 'lb']]
        print(f'| {name} | {how} | ' + ' | '.join(cells) + ' |')
    if inputs.get(naive_name) is None or inputs.get(full_name) is None:
        print(f'\nno model: {naive_name} or {full_name} has no healthy step')
        return
    print('\nFleet (API tasks / workers / writer / replicas / cache nodes / Kafka brokers) and monthly cost:\n')
    print(f'| rps | naive ({naive_name}) | $/month | full ({full_name}) | $/month | full vs naive |')
    print('|---:|---|---:|---|---:|---:|')
    for rps in TARGETS:
        naive, naive_cost = size(rps, inputs[naive_name])
        full, full_cost = size(rps, inputs[full_name])
        money = lambda c: 'not buildable' if c is None else f'{c:,.0f}'
        if naive_cost and full_cost:
            delta = f'{(full_cost - naive_cost) / naive_cost:+.0%}'
        else:
            delta = '-'
        print(f'| {rps:,} | {naive} | {money(naive_cost)} | {full} | {money(full_cost)} | {delta} |')


if __name__ == '__main__':
    main()
