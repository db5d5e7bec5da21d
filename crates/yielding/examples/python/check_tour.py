#!/usr/bin/env python3
"""Check the Rust tour's output against tour.expected, the output of tour.py.

Usage (from the repository root):
    cargo run -q --example tour | python3 crates/yielding/examples/python/check_tour.py

Every line of tour.expected must appear in the tour's output, in the same order; other
lines (explanations, measured memory figures) may stand between them. Trailing spaces are
ignored. Exits 1 and names the first missing line when the check fails.
"""
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
expected = [line.rstrip() for line in open(os.path.join(here, "tour.expected"), encoding="utf-8")]
got = [line.rstrip() for line in sys.stdin.read().splitlines()]

matched = 0
for line in got:
    if matched < len(expected) and line == expected[matched]:
        matched += 1
if matched == len(expected):
    print(f"tour: all {len(expected)} expected lines present, in order")
    sys.exit(0)
print(f"tour: {matched} of {len(expected)} expected lines matched; first missing: {expected[matched]!r}")
sys.exit(1)
