"""A small closed-loop HTTP load generator for bench/pages.sh (no wrk on the machines: the
project installs nothing for a bench). CONNECTIONS clients, split over two processes of
threads, each sending one GET at a time over a fresh connection (gunicorn's sync workers
close each connection) for SECONDS, with a prepared request and no HTTP library in the loop.

    .venv/bin/python bench/load.py URL SECONDS [CONNECTIONS] [COOKIE] [--plain]

Prints one JSON line: requests, rps, non2xx, p50/p95/p99 in milliseconds; with --plain,
"rps p50 p95 p99 non2xx" (the percentiles with "ms") for the shell.
"""

from __future__ import annotations

import json
import multiprocessing
import socket
import sys
import threading
import time
from urllib.parse import urlsplit


def _client(host: str, port: int, raw: bytes, until: float, samples: list[float], bad: list[int]) -> None:
    while time.perf_counter() < until:
        start = time.perf_counter()
        with socket.create_connection((host, port)) as sock:
            sock.sendall(raw)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        samples.append(time.perf_counter() - start)
        head = chunks[0][:12] if chunks else b""
        if not head.startswith(b"HTTP/1.1 2") and not head.startswith(b"HTTP/1.0 2"):
            bad.append(1)


def _process(args: tuple[str, int, bytes, float, int]) -> tuple[list[float], int]:
    host, port, raw, until, threads = args
    samples: list[float] = []
    bad: list[int] = []
    workers = [threading.Thread(target=_client, args=(host, port, raw, until, samples, bad)) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return samples, len(bad)


def main() -> None:
    plain = "--plain" in sys.argv
    argv = [arg for arg in sys.argv if arg != "--plain"]
    url, seconds = argv[1], float(argv[2])
    connections = int(argv[3]) if len(argv) > 3 else 8
    cookie = argv[4] if len(argv) > 4 else ""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"GET {target} HTTP/1.1", f"Host: {parts.hostname}", "Connection: close", "Accept-Language: en"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode()
    processes = 2 if connections > 1 else 1
    until = time.perf_counter() + seconds
    jobs = [(parts.hostname, parts.port or 80, raw, until, connections // processes) for _ in range(processes)]
    started = time.perf_counter()
    with multiprocessing.Pool(processes) as pool:
        results = pool.map(_process, jobs)
    elapsed = time.perf_counter() - started
    samples = sorted(s for result in results for s in result[0])
    bad = sum(result[1] for result in results)

    def pct(q: float) -> float:
        return round(samples[min(len(samples) - 1, int(q * len(samples)))] * 1000, 2) if samples else 0.0

    report = {
        "requests": len(samples),
        "rps": round(len(samples) / elapsed, 1),
        "non2xx": bad,
        "p50": pct(0.50),
        "p95": pct(0.95),
        "p99": pct(0.99),
    }
    if plain:
        print(f"{report['rps']} {report['p50']}ms {report['p95']}ms {report['p99']}ms {bad}")
    else:
        print(json.dumps(report))


if __name__ == "__main__":
    main()
