#!/usr/bin/python3
"""An independent /v1/stream client (Debian's python3-websockets) that runs one
scenario against a running tickcast daemon and exits non-zero, with the reason
on stderr, when the daemon does not behave as docs/protocol.md says.

Usage: stream_client.py SCENARIO --port N [--token T] [--tls-ca FILE]
The daemon under test (tests/daemon/stream_test.cpp) streams the built-in
replay exchange's binance BTCUSDT with 1 s bars.
"""
import argparse
import asyncio
import json
import ssl
import sys
import time
import urllib.error
import urllib.request

import websockets

BAR = "bar:binance:BTCUSDT"


class Failure(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Failure(what)


class Client:
    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0

    async def send(self, message):
        await self.ws.send(json.dumps(message))

    async def recv(self, timeout=5.0):
        return json.loads(await asyncio.wait_for(self.ws.recv(), timeout))

    async def request(self, op, **fields):
        """Sends an op and returns its answer (ack or error), checking that
        it carries the id."""
        self.next_id += 1
        await self.send({"op": op, "id": self.next_id, **fields})
        answer = await self.recv()
        # Published messages (snapshots, live) of topics already held may
        # come first: the answer is the next ack or error.
        while "topic" in answer:
            answer = await self.recv()
        check(answer.get("id") == self.next_id, f"answer without our id: {answer}")
        check(answer["type"] in ("ack", "error"), f"not an ack or error: {answer}")
        return answer


def url(args, query=""):
    scheme = "wss" if args.tls_ca else "ws"
    return f"{scheme}://127.0.0.1:{args.port}/v1/stream{query}"


def connect(args, query="", **kwargs):
    headers = kwargs.pop("extra_headers", {})
    if args.token and "token=" not in query:
        headers = {"Authorization": f"Bearer {args.token}", **headers}
    if args.tls_ca:
        context = ssl.create_default_context(cafile=args.tls_ca)
        kwargs["ssl"] = context
    return websockets.connect(url(args, query), extra_headers=headers, open_timeout=5, **kwargs)


async def refused_with(args, status, **kwargs):
    try:
        async with connect(args, **kwargs):
            pass
    except websockets.exceptions.InvalidStatusCode as e:
        check(e.status_code == status, f"refused with {e.status_code}, expected {status}")
        return
    raise Failure(f"connection accepted, expected HTTP {status}")


async def protocol(args):
    async with connect(args) as ws:
        c = Client(ws)
        listed = await c.request("list")
        check(listed["type"] == "ack" and listed["op"] == "list", f"list: {listed}")
        symbols = [(s["exchange"], s["symbol"]) for s in listed["symbols"]]
        check(symbols == [("binance", "BTCUSDT")], f"list symbols: {listed}")
        check(listed["symbols"][0]["interval_ns"] == 1_000_000_000, f"interval: {listed}")
        check("status" in listed["topics"], f"list topics: {listed}")

        pong = await c.request("ping")
        check(pong == {"type": "ack", "op": "ping", "id": c.next_id}, f"ping: {pong}")

        # Bad requests are answered and the connection stays.
        await ws.send("not json")
        answer = await c.recv()
        check(answer["type"] == "error" and answer["code"] == "bad_request", f"{answer}")
        answer = await c.request("dance")
        check(answer["type"] == "error" and answer["code"] == "bad_request", f"{answer}")
        answer = await c.request("subscribe", topics="status")
        check(answer["code"] == "bad_request", f"topics not a list: {answer}")
        answer = await c.request("subscribe", topics=["bars:binance:BTCUSDT"])
        check(answer["code"] == "bad_request", f"malformed topic: {answer}")
        answer = await c.request("subscribe", topics=["bar:kraken:*"])
        check(answer["code"] == "unknown_topic", f"unknown exchange: {answer}")
        answer = await c.request("subscribe", topics=["forecast:binance:ETHUSDT"])
        check(answer["code"] == "unknown_topic", f"unknown symbol: {answer}")
        # A failed subscribe subscribes to nothing, not even its valid topics.
        answer = await c.request("subscribe", topics=["status", "bar:nowhere:X"])
        check(answer["code"] == "unknown_topic", f"mixed: {answer}")

        # A wildcard expands to the configured symbols.
        ack = await c.request("subscribe", topics=["bar:binance:*"])
        check(ack["type"] == "ack" and ack["topics"] == [BAR], f"wildcard: {ack}")

        # Live bars, one a second, with consecutive seq.
        seqs, sequences = [], []
        deadline = time.monotonic() + 8
        while len(seqs) < 4 and time.monotonic() < deadline:
            m = await c.recv()
            check(m["topic"] == BAR, f"message of a topic not subscribed: {m}")
            check(m["type"] in ("bar", "bar_revision"), f"type: {m}")
            if m.get("snapshot"):
                continue
            seqs.append(m["seq"])
            if m["type"] == "bar":
                sequences.append(m["sequence"])
                check(m["end_ns"] - m["start_ns"] == 1_000_000_000, f"bar length: {m}")
                check(m["low"] <= m["close"] <= m["high"], f"ohlc: {m}")
        check(len(seqs) >= 4, f"only {len(seqs)} bars in 8 s")
        check(seqs == list(range(seqs[0], seqs[0] + len(seqs))), f"seq not consecutive: {seqs}")
        check(sequences == list(range(sequences[0], sequences[0] + len(sequences))),
              f"bar sequence not consecutive: {sequences}")

        ack = await c.request("unsubscribe", topics=[BAR])
        check(ack["type"] == "ack" and ack["topics"] == [BAR], f"unsubscribe: {ack}")
        # Nothing more arrives (one bar may have been on its way before the ack).
        try:
            while True:
                m = await c.recv(timeout=2.5)
                check(m["seq"] == seqs[-1] + 1, f"message after unsubscribe: {m}")
                seqs.append(m["seq"])
        except asyncio.TimeoutError:
            pass
        answer = await c.request("unsubscribe", topics=["bar:nowhere:X"])
        check(answer["code"] == "unknown_topic", f"unsubscribe unknown: {answer}")


async def snapshot(args):
    # The daemon has been running for a while: the bar topic has a latest message.
    async with connect(args) as ws:
        c = Client(ws)
        ack = await c.request("subscribe", topics=[BAR, "status"])
        check(sorted(ack["topics"]) == sorted([BAR, "status"]), f"{ack}")
        first = await c.recv()
        check(first.get("snapshot") is True, f"first message is not a snapshot: {first}")
        snap = {first["topic"]: first}
        # The status topic has the feed_up of the connection: a second snapshot.
        second = await c.recv()
        check(second.get("snapshot") is True, f"second message is not a snapshot: {second}")
        snap[second["topic"]] = second
        check(set(snap) == {BAR, "status"}, f"snapshots: {snap}")
        check(snap["status"]["type"] == "status" and snap["status"]["exchange"] == "binance",
              f"status snapshot: {snap['status']}")
        live = await c.recv()
        while live["topic"] != BAR:
            live = await c.recv()
        check("snapshot" not in live, f"live message marked snapshot: {live}")
        check(live["seq"] == snap[BAR]["seq"] + 1, f"live {live['seq']} after snapshot {snap[BAR]['seq']}")


async def max_topics(args):
    async with connect(args) as ws:
        c = Client(ws)
        ack = await c.request("subscribe", topics=["status"])
        check(ack["type"] == "ack", f"{ack}")
        answer = await c.request("subscribe", topics=["bar:binance:*"])
        check(answer["type"] == "error" and answer["code"] == "forbidden", f"{answer}")
        # Subscribing again to a held topic adds nothing, so it is fine.
        ack = await c.request("subscribe", topics=["status"])
        check(ack["type"] == "ack" and ack["topics"] == [], f"{ack}")


async def rate_limit(args):
    # The daemon allows 5 messages a second.
    async with connect(args) as ws:
        c = Client(ws)
        for i in range(8):
            await c.send({"op": "ping", "id": i})
        answers = [await c.recv() for _ in range(8)]
        codes = [a.get("code") for a in answers]
        check([a["id"] for a in answers] == list(range(8)), f"ids: {answers}")
        check(codes[:5] == [None] * 5, f"the first five are within the limit: {answers}")
        check(codes[5:] == ["rate_limited"] * 3, f"the rest are rate_limited: {answers}")
        # Flooding on closes the connection with 1008.
        try:
            for i in range(100):
                await c.send({"op": "ping", "id": 100 + i})
            while True:
                await c.recv()
        except websockets.exceptions.ConnectionClosed as e:
            check(e.code == 1008, f"closed with {e.code}, expected 1008")
            return
    raise Failure("a flood did not close the connection")


async def frame_too_big(args):
    # The daemon allows frames of 1 KiB.
    async with connect(args) as ws:
        c = Client(ws)
        await c.request("ping")
        await ws.send(json.dumps({"op": "ping", "id": 1, "pad": "x" * 2000}))
        try:
            await c.recv()
        except websockets.exceptions.ConnectionClosed as e:
            check(e.code == 1009, f"closed with {e.code}, expected 1009")
            return
    raise Failure("an oversized frame did not close the connection")


async def auth_required(args):
    token = args.token
    args.token = None
    await refused_with(args, 401)
    args.token = "wrong-" + token
    await refused_with(args, 401)
    args.token = None
    async with connect(args, query=f"?token={token}") as ws:
        check((await Client(ws).request("ping"))["type"] == "ack", "ping with ?token=")
    args.token = token
    async with connect(args) as ws:
        check((await Client(ws).request("ping"))["type"] == "ack", "ping with Bearer")


async def auth_refused(args):
    await refused_with(args, 401)


async def auth_accepted(args):
    async with connect(args) as ws:
        check((await Client(ws).request("ping"))["type"] == "ack", "ping")


async def origins(args):
    await refused_with(args, 403, origin="http://evil.example")
    async with connect(args, origin=f"http://127.0.0.1:{args.port}") as ws:
        check((await Client(ws).request("ping"))["type"] == "ack", "same origin")
    async with connect(args) as ws:  # no Origin: not a browser
        check((await Client(ws).request("ping"))["type"] == "ack", "no origin")


async def allowed_origin(args):
    async with connect(args, origin="https://good.example") as ws:
        check((await Client(ws).request("ping"))["type"] == "ack", "listed origin")
    await refused_with(args, 403, origin=f"http://127.0.0.1:{args.port}")


async def per_ip_limit(args):
    # The daemon allows 2 subscribers per IP.
    async with connect(args) as a, connect(args) as b:
        await Client(a).request("ping")
        await Client(b).request("ping")
        await refused_with(args, 503)
    # Slots are released when subscribers leave.
    await asyncio.sleep(0.3)
    async with connect(args) as c:
        await Client(c).request("ping")


async def not_upgrade(args):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{args.port}/v1/stream", timeout=5)
    except urllib.error.HTTPError as e:
        check(e.code == 426, f"plain GET /v1/stream: {e.code}, expected 426")
        return
    raise Failure("plain GET /v1/stream was answered 2xx")


async def tls(args):
    async with connect(args) as ws:
        c = Client(ws)
        check((await c.request("ping"))["type"] == "ack", "ping over wss")
        ack = await c.request("subscribe", topics=["status"])
        check(ack["type"] == "ack", f"subscribe over wss: {ack}")
    context = ssl.create_default_context(cafile=args.tls_ca)
    with urllib.request.urlopen(f"https://127.0.0.1:{args.port}/healthz", context=context,
                                timeout=5) as reply:
        check(reply.status == 200, f"https /healthz: {reply.status}")
    # The port speaks only TLS: a plain websocket gets nowhere.
    try:
        async with websockets.connect(f"ws://127.0.0.1:{args.port}/v1/stream", open_timeout=5):
            pass
    except (websockets.exceptions.InvalidMessage, websockets.exceptions.InvalidStatusCode,
            ConnectionError, asyncio.TimeoutError, EOFError, OSError):
        return
    raise Failure("a plain ws:// connection was accepted on the TLS port")


SCENARIOS = {f.__name__: f for f in [protocol, snapshot, max_topics, rate_limit, frame_too_big,
                                     auth_required, auth_refused, auth_accepted, origins,
                                     allowed_origin, per_ip_limit, not_upgrade, tls]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token")
    parser.add_argument("--tls-ca")
    args = parser.parse_args()
    try:
        asyncio.run(asyncio.wait_for(SCENARIOS[args.scenario](args), 40))
    except Failure as e:
        print(f"{args.scenario}: FAILED: {e}", file=sys.stderr)
        return 1
    print(f"{args.scenario}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
