#!/usr/bin/env python3
"""The capacity model of docs/performance.md, computed from the load harness's results.tsv.

    scripts/bench/capacity-model.py target/capacity/results.tsv [NAIVE_CONFIG]

Every other configuration in the file is sized and priced next to the naive one (default: bare).

Every process here shares two cores, so raw throughput says little about AWS, where each task has its own
vCPUs. What carries over is CPU time per request, per process. The model takes it at one offered rate for
every configuration: the highest that each of them served with under 1 % failed requests, so the fixed costs
(idle JVMs, the JIT still compiling, pollers) are spread over the same number of requests in each. A fit of
cores against rate (fixed + marginal) was tried and rejected: the JIT finishes during the run, so later steps
are cheaper per request and the fitted marginal cost of the API came out near zero.

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
PROCESSES = ['api', 'worker', 'pg-primary', 'pg-replica', 'redis', 'kafka', 'lb']


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


def common_rate(by_config):
    """The highest offered rate that every configuration served with under 1 % failed requests."""
    rates = None
    for config_rows in by_config.values():
        ok = {float(r['offered_rps']) for r in config_rows if failed_share(r) < 0.01}
        rates = ok if rates is None else rates & ok
    return max(rates) if rates else None


def per_request_costs(rows, rate):
    """CPU-ms per request for each process, averaged over the step at the given offered rate."""
    for r in rows:
        if float(r['offered_rps']) == rate:
            return parse_pairs(r['cpu_ms_per_request']), r
    return None, None


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
    with open(path, newline='') as f:
        rows = list(csv.DictReader(f, delimiter='\t'))
    by_config = {}
    for row in rows:
        by_config.setdefault(row['config'], []).append(row)
    rate = common_rate(by_config)
    if rate is None:
        print('no model: no offered rate was served by every configuration with under 1 % failures')
        return
    inputs = {}
    print(f'Inputs: CPU-ms per request by process at {rate:.0f} requests/s offered, the highest rate every '
          'configuration served with under 1 % failed requests (its p99 in the table above)\n')
    print('| config | p99 ms | ' + ' | '.join(PROCESSES) + ' | total |')
    print('|---|---:|' + '---:|' * 8)
    for name, config_rows in by_config.items():
        costs, row = per_request_costs(config_rows, rate)
        inputs[name] = costs
        cells = [f"{costs[p]:.2f}" if p in costs else '-' for p in PROCESSES]
        total = sum(v for k, v in costs.items() if k != 'driver')
        print(f"| {name} | {float(row['p99_ms']):.0f} | " + ' | '.join(cells) + f' | {total:.2f} |')
    if inputs.get(naive_name) is None:
        print(f'\nno model: {naive_name} is missing')
        return
    others = [name for name in inputs if name != naive_name]
    print('\nFleet (API tasks / workers / writer / replicas / cache nodes / Kafka brokers) and monthly cost, each '
          f'design against {naive_name} (the naive one):\n')
    print(f'| rps | {naive_name} | $/month | ' + ' | '.join(f'{n} | $/month | vs {naive_name}' for n in others) + ' |')
    print('|---:|---|---:|' + '---|---:|---:|' * len(others))
    money = lambda c: 'not buildable' if c is None else f'{c:,.0f}'
    for rps in TARGETS:
        naive, naive_cost = size(rps, inputs[naive_name])
        cells = []
        for name in others:
            fleet, cost = size(rps, inputs[name])
            delta = f'{(cost - naive_cost) / naive_cost:+.0%}' if naive_cost and cost else '-'
            cells.append(f'{fleet} | {money(cost)} | {delta}')
        print(f'| {rps:,} | {naive} | {money(naive_cost)} | ' + ' | '.join(cells) + ' |')


if __name__ == '__main__':
    main()
