"""Open-loop load: send single-alert pushes on a fixed arrival schedule and report latency percentiles.

Closed-loop tools (wrk) wait for a reply before sending the next request, so a slow server also slows the
load and hides its queueing ("coordinated omission"). Here request i is due at start + i/rate whatever
happened before; its latency counts from that due instant. Usage:

    python bench/intake/openloop.py URL --rate 1000 --seconds 10 [--connections 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from urllib.parse import urlsplit


def body(i: int) -> bytes:
    alert = {
        "labels": {"alertname": "OpenLoop", "severity": "warning", "instance": f"node-{i % 1000:04d}"},
        "annotations": {"summary": "open-loop benchmark alert"},
    }
    return json.dumps([alert]).encode()


async def worker(host: str, port: int, path: str, queue: asyncio.Queue[tuple[int, float]], out: list[float]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while True:
            item = await queue.get()
            if item[0] < 0:
                return
            index, due = item
            payload = body(index)
            head = (
                f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(payload)}\r\n\r\n"
            ).encode()
            writer.write(head + payload)
            await writer.drain()
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if length:
                await reader.readexactly(length)
            status = int(status_line.split()[1])
            out.append((time.perf_counter() - due) * 1000 if 200 <= status < 300 else float("inf"))
    finally:
        writer.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    parts = urlsplit(args.url)
    total = int(args.rate * args.seconds)
    queue: asyncio.Queue[tuple[int, float]] = asyncio.Queue()
    latencies: list[float] = []
    workers = [
        asyncio.create_task(worker(parts.hostname or "127.0.0.1", parts.port or 80, parts.path, queue, latencies))
        for _ in range(args.connections)
    ]
    start = time.perf_counter() + 0.2
    for i in range(total):
        due = start + i / args.rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait((i, due))
    for _ in workers:
        queue.put_nowait((-1, 0.0))
    await asyncio.wait_for(asyncio.gather(*workers), timeout=args.seconds + 60)
    ok = sorted(x for x in latencies if x != float("inf"))
    failed = len(latencies) - len(ok)

    def pct(p: float) -> float:
        return ok[min(len(ok) - 1, max(0, round(p / 100 * len(ok)) - 1))] if ok else float("nan")

    print(
        f"RESULT offered_rate={args.rate:.0f}/s sent={total} ok={len(ok)} failed={failed} "
        f"p50_ms={pct(50):.2f} p99_ms={pct(99):.2f} max_ms={ok[-1] if ok else float('nan'):.2f} "
        f"mean_ms={statistics.fmean(ok) if ok else float('nan'):.2f}"
    )


if __name__ == "__main__":
    asyncio.run(main())
