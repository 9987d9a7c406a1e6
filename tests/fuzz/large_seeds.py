#!/usr/bin/env python3
"""Writes large, valid seed inputs for the fuzzers into the corpus directories given.

libFuzzer grows its inputs slowly from small seeds: in 300 s at -max_len=65536 the scenario
fuzzer's inputs never passed ~16.6 KB. These seeds start it near the sizes an operator's files
reach (hundreds of campaigns, long descriptions, captures of thousands of requests), so the
parsers' large-input paths are mutated from the first second. Deterministic: the same files on
every run, so a crash found from them reproduces.

Usage: large_seeds.py SCENARIO_DIR NDJSON_DIR GOR_DIR
"""
import json
import os
import sys


def scenario_many_campaigns(n):
    campaigns = [{"id": f"c{i}", "name": f"Campaign {i}", "stock": 10 + i % 90,
                  "policy": "LOTTERY" if i % 3 == 0 else "FIRST_COME",
                  "opens_after_ms": i % 50, "max_in_flight": 1 + i % 7} for i in range(n)]
    arrivals = [{"campaign": f"c{i}", "profile": "spike", "users": 3, "over_ms": 10,
                 "first_user": 1 + 3 * i} for i in range(n)]
    return {"name": f"large: {n} campaigns", "seed": 11, "campaigns": campaigns,
            "arrivals": arrivals,
            "run": {"pipeline": "decide-in-worker", "guard": "atomic", "workers": 2,
                    "partitions": 2}}


def scenario_long_text(size):
    words = ("stock burst lottery queue partition fairness ledger replay " * (size // 60 + 1))
    return {"name": "large: a long description", "description": words[:size], "seed": 12,
            "campaigns": [{"id": "only", "name": "Ü" * 2000, "stock": 5}],
            "arrivals": [{"campaign": "only", "profile": "poisson", "rps": 50, "over_ms": 100}]}


def ndjson_capture(lines):
    out = [json.dumps({"stampede_capture": 1, "source": "large seed",
                       "created": "2026-12-03T00:00:00Z"})]
    for i in range(lines):
        out.append(json.dumps({"t_us": i * 37, "campaign": f"c{i % 7}", "user": f"user-{i % 900}",
                               "request_id": f"r{i}", "source": "http", "verified": i % 2 == 0,
                               "headers": {"X-Trace": "t" * (i % 40)}}))
    out.append(json.dumps({"end": "complete", "records": lines}))
    return "\n".join(out) + "\n"


def gor_capture(requests):
    sep = "\U0001F435\U0001F648\U0001F649\n"
    parts = []
    for i in range(requests):
        body = json.dumps({"userId": f"u{i % 500}", "campaignId": "c1"})
        parts.append(f"1 {i:040x} {1700000000000000000 + i * 1000} 0\n"
                     f"POST /api/campaigns/c{i % 5}/apply HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                     f"{body}\n")
    return sep.join(parts) + sep


def write(directory, name, text):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "w", encoding="utf-8") as f:
        f.write(text)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    scenarios, ndjson, gor = sys.argv[1:]
    write(scenarios, "large-290-campaigns.json", json.dumps(scenario_many_campaigns(290)))
    write(scenarios, "large-description.json", json.dumps(scenario_long_text(45000)))
    write(ndjson, "large-360-lines.ndjson", ndjson_capture(360))
    write(gor, "large-270-requests.gor", gor_capture(270))


if __name__ == "__main__":
    main()
