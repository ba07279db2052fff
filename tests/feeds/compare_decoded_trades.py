#!/usr/bin/python3
"""Checks `tickcast decode` output against Binance's trades CSV, row by row.

usage: compare_decoded_trades.py DECODED.csv REFERENCE.csv

REFERENCE is ../shared/data/trades/binance_*_trades_*.csv (columns trade_id,
price, qty, trade_time_ms, is_buyer_maker, ..., recv_time_ns), extracted from
the raw frames by an independent tool. Numbers are compared as Python floats
(correctly rounded by CPython, not by tickcast), times as integers. Prints
"<n> trades match" and exits 0, or names the first difference and exits 1.
"""
import csv
import sys


def main() -> int:
    decoded_path, reference_path = sys.argv[1], sys.argv[2]
    with open(decoded_path, newline="") as f:
        decoded = list(csv.DictReader(f))
    with open(reference_path, newline="") as f:
        reference = list(csv.DictReader(f))
    if len(decoded) != len(reference):
        print(f"row count differs: decoded {len(decoded)}, reference {len(reference)}")
        return 1
    for i, (d, r) in enumerate(zip(decoded, reference)):
        expected = {
            "exchange": "binance",
            "symbol": "BTCUSDT",
            "trade_id": int(r["trade_id"]),
            "price": float(r["price"]),
            "qty": float(r["qty"]),
            "side": "sell" if r["is_buyer_maker"] == "true" else "buy",
            "exchange_time_ns": int(r["trade_time_ms"]) * 1_000_000,
            "receive_time_ns": int(r["recv_time_ns"]),
        }
        got = {
            "exchange": d["exchange"],
            "symbol": d["symbol"],
            "trade_id": int(d["trade_id"]),
            "price": float(d["price"]),
            "qty": float(d["qty"]),
            "side": d["side"],
            "exchange_time_ns": int(d["exchange_time_ns"]),
            "receive_time_ns": int(d["receive_time_ns"]),
        }
        if got != expected:
            print(f"row {i + 1} differs: decoded {got}, reference {expected}")
            return 1
    print(f"{len(decoded)} trades match")
    return 0


if __name__ == "__main__":
    sys.exit(main())
