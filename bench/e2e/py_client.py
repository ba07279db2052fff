#!/usr/bin/python3
"""The Python side of bench/e2e's comparison: a straightforward client of the
same exchange stream tickcast ingests (Debian's python3-websockets + json).

It connects to the replay exchange, subscribes to the same Binance @trade
streams with the same SUBSCRIBE message tickcast sends, and only parses each
frame with json.loads and counts it: no decoding into trades, no bars, no
model. It prints one JSON object: frames parsed, seconds, frames/s and the
process CPU seconds used.

usage: py_client.py --port P --symbols A,B,... [--seconds S] [--warmup S]
"""
import argparse
import asyncio
import json
import resource
import sys
import time

import websockets


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


async def run(args):
    symbols = args.symbols.split(",")
    url = "ws://127.0.0.1:%d/ws" % args.port
    async with websockets.connect(url, max_size=1 << 20, max_queue=4096) as ws:
        params = [s.lower() + "@trade" for s in symbols]
        await ws.send(json.dumps({"method": "SUBSCRIBE", "params": params, "id": 1}))
        count = 0
        started = time.monotonic()
        deadline = started + args.warmup + args.seconds
        window_start = None
        window_count = 0
        cpu_start = 0.0
        while True:
            now = time.monotonic()
            if now >= deadline:
                break
            try:
                frame = await asyncio.wait_for(ws.recv(), timeout=deadline - now)
            except asyncio.TimeoutError:
                break
            json.loads(frame)
            count += 1
            if window_start is None and now - started >= args.warmup:
                window_start, window_count, cpu_start = now, count, cpu_seconds()
        end = time.monotonic()
        if window_start is None:
            window_start, window_count, cpu_start = started, 0, 0.0
        frames = count - window_count
        elapsed = end - window_start
        print(json.dumps({"frames": frames, "seconds": round(elapsed, 3),
                          "frames_per_second": round(frames / elapsed, 1) if elapsed > 0 else 0,
                          "cpu_seconds": round(cpu_seconds() - cpu_start, 3)}))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--symbols", required=True)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--warmup", type=float, default=1)
    asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
