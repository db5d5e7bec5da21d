#!/usr/bin/env python3
"""CPython's generators on the yielding benchmark workloads.

The main harness runs this script as a child process and parses its stdout, so the output
is a fixed line format (README.md beside this file): `row`, `skip` and `mem` lines, and
`#` comments.

    python3 benches/python/workloads.py                      # about 45 s
    YIELDING_BENCH_QUICK=1 python3 benches/python/workloads.py   # smoke run, a few seconds
    python3 benches/python/workloads.py W5 chain             # only these workloads

The workloads are those of benches/generators.rs and benches/native, with the same
checksums: u64 arithmetic wraps there, so here it is masked to 64 bits wherever a value
could pass 2**64. Each workload is a function run(n) -> checksum that runs n items with real
generators (`yield`, `send`, `yield from`) and a plain-loop consumer, timed as a whole with
time.perf_counter_ns. n is calibrated so that one sample takes about 150 ms; the median of
9 samples is reported, in ns per item. Before timing, every workload's checksum is checked
against a direct loop that uses no generator; a mismatch exits non-zero. The cyclic GC
stays on, as in any Python program.
"""

import gc
import itertools
import os
import resource
import struct
import subprocess
import sys
import threading
import time

MASK = (1 << 64) - 1
IMPL = "CPython"

# ---------------------------------------------------------------------------------------
# Shared pieces
# ---------------------------------------------------------------------------------------


def consume(items):
    """The consumer of every iterator workload: sums the items in a Python loop, as the
    Rust consumer does, rather than with the C builtin sum()."""
    total = 0
    for x in items:
        total += x
    return total & MASK


def f64_bits(x):
    """W3's checksum: the float's IEEE bits, as Rust's f64::to_bits."""
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def triangle(n):
    """The sum of 0..n, wrapped to 64 bits."""
    return (n * (n - 1) // 2) & MASK


# ---------------------------------------------------------------------------------------
# W1: yield 0..n and sum
# ---------------------------------------------------------------------------------------


def upto(n):
    """The W1 generator; also the first level of every chain and the memory measurement."""
    for i in range(n):
        yield i


def w1(n):
    return consume(upto(n))


def w1_direct(n):
    total = 0
    for i in range(n):
        total += i
    return total & MASK


# ---------------------------------------------------------------------------------------
# W2: infinite Fibonacci, first n items, summed
# ---------------------------------------------------------------------------------------


def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, (a + b) & MASK


def w2(n):
    return consume(itertools.islice(fib(), n))


def w2_direct(n):
    a, b, total = 0, 1, 0
    for _ in range(n):
        total += a
        a, b = b, (a + b) & MASK
    return total & MASK


# ---------------------------------------------------------------------------------------
# W3: send-driven running average
# ---------------------------------------------------------------------------------------


def averager():
    total = count = 0.0
    x = yield 0.0
    while True:
        total += x
        count += 1.0
        x = yield total / count


def w3(n):
    average = averager()
    s = 0.0
    s += next(average)  # the priming yield's 0.0
    for i in range(n):
        s += average.send(float(i))
    return f64_bits(s)


def w3_direct(n):
    total = count = 0.0
    s = 0.0
    s += 0.0
    for i in range(n):
        total += float(i)
        count += 1.0
        s += total / count
    return f64_bits(s)


# ---------------------------------------------------------------------------------------
# W4: square -> even, two generator stages
# ---------------------------------------------------------------------------------------

# x * x needs no mask: n stays far below 2**32, so every square fits in 64 bits.
W4_MAX_N = 1 << 32


def square(items):
    for x in items:
        yield x * x


def even(items):
    for x in items:
        if x % 2 == 0:
            yield x


def w4(n):
    assert n < W4_MAX_N
    return consume(even(square(range(n))))


def w4_direct(n):
    total = 0
    for x in range(n):
        sq = x * x
        if sq % 2 == 0:
            total += sq
    return total & MASK


# ---------------------------------------------------------------------------------------
# W5: in-order walk of a complete binary tree, 20 levels
# ---------------------------------------------------------------------------------------

TREE_LEVELS = 20
TREE_SIZE = (1 << TREE_LEVELS) - 1


class Tree:
    __slots__ = ("value", "left", "right")

    def __init__(self, value, left, right):
        self.value = value
        self.left = left
        self.right = right


def build_tree(levels):
    """A complete tree whose in-order walk yields 0, 1, 2, ... Built bottom up, a level at a
    time: three times faster than recursion, which matters for the quick run. In in-order
    numbering a node of height h has the values (2**h - 1) + k * 2**(h+1)."""
    size = (1 << levels) - 1
    nodes = [Tree(v, None, None) for v in range(0, size, 2)]
    height = 1
    while len(nodes) > 1:
        values = range((1 << height) - 1, size, 1 << (height + 1))
        nodes = [Tree(v, l, r) for v, l, r in zip(values, nodes[0::2], nodes[1::2])]
        height += 1
    return nodes[0]


_tree = None


def tree():
    """Built once, on first use, outside any timing."""
    global _tree
    if _tree is None:
        _tree = build_tree(TREE_LEVELS)
    return _tree


def walk(t):
    if t.left is not None:
        yield from walk(t.left)
    yield t.value
    if t.right is not None:
        yield from walk(t.right)


def w5(n):
    """n items: whole walks of the tree, then a prefix of one more. Full runs round n to
    whole walks, so the cost per item is a walk's time over 2**20 - 1; the prefix is only
    for quick runs, where one walk is too long a sample."""
    root = tree()
    total = 0
    for _ in range(n // TREE_SIZE):
        total += consume(walk(root))
    rest = n % TREE_SIZE
    if rest:
        total += consume(itertools.islice(walk(root), rest))
    return total & MASK


def w5_direct(n):
    """The same walk with an explicit stack, checked against the closed form too."""
    root = tree()
    total = 0
    left = n
    while left:
        stack = []
        node = root
        while left and (stack or node is not None):
            while node is not None:
                stack.append(node)
                node = node.left
            node = stack.pop()
            total += node.value
            left -= 1
            node = node.right
    total &= MASK
    closed = ((n // TREE_SIZE) * triangle(TREE_SIZE) + triangle(n % TREE_SIZE)) & MASK
    assert total == closed, f"the tree's in-order walk sums to {total}, not {closed}"
    return total


# ---------------------------------------------------------------------------------------
# Chains: D generators, each delegating to the next with `yield from`
# ---------------------------------------------------------------------------------------

DEEP_CHAIN = 100_000


def chain(depth, n):
    if depth == 1:
        for i in range(n):
            yield i
    else:
        yield from chain(depth - 1, n)


def chain_run(depth):
    def run(n):
        # Depth 1 is the plain W1 generator.
        return consume(upto(n) if depth == 1 else chain(depth, n))

    return run


# ---------------------------------------------------------------------------------------
# Creation + first item
# ---------------------------------------------------------------------------------------


def two(seed):
    yield seed
    yield seed + 1


def creation(n):
    """Each round creates a generator, takes its first item, and drops it suspended (when
    `g` is rebound)."""
    total = 0
    for i in range(n):
        g = two(i)
        total += next(g)
    return total & MASK


def creation_direct(n):
    total = 0
    for i in range(n):
        total += i
    return total & MASK


# ---------------------------------------------------------------------------------------
# Memory: 1,000,000 live W1 generators
# ---------------------------------------------------------------------------------------

LIVE = 1_000_000


def status_bytes(field):
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def memory():
    g = upto(1000)
    next(g)
    # The generator embeds its frame (CPython 3.11+), and getsizeof counts the GC header;
    # the one other object the suspended frame owns alone is its range iterator. `n` and
    # `i` are shared ints here.
    own = [r for r in gc.get_referents(g) if type(r).__name__ == "range_iterator"]
    size = sys.getsizeof(g) + sum(sys.getsizeof(r) for r in own)
    del g, own
    print(
        f"# memory: bytes = sys.getsizeof of a suspended W1 generator (which embeds its "
        f"frame, GC header included) + its range iterator; rss = peak RSS with {LIVE} live "
        f"W1 generators, each advanced once, held in a list (8 bytes each, included), "
        f"minus RSS before; runs first, on a fresh heap"
    )
    gc.collect()
    try:
        # Resets VmHWM to the current RSS (Linux 4.0+), so no earlier peak hides this one.
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
    except OSError:
        pass
    before = status_bytes("VmRSS")
    live = [None] * LIVE
    for i in range(LIVE):
        g = upto(1000)
        next(g)
        live[i] = g
    del g
    peak = status_bytes("VmHWM")
    if before is None or peak is None:
        # ru_maxrss is in KiB on Linux, and cannot be reset.
        before = before or 0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        print("# memory: /proc/self/status unreadable, peak from getrusage")
    del live
    print(f"mem\t{IMPL}\t{size}\t{max(0, peak - before)}")


# ---------------------------------------------------------------------------------------
# The harness
# ---------------------------------------------------------------------------------------


class Workload:
    def __init__(self, name, run, direct, check_ns=(0, 1, 2, 3, 10, 1001), **options):
        self.name = name
        self.run = run
        self.direct = direct
        self.check_ns = check_ns
        # Full runs round n up to a multiple of this.
        self.granule = options.get("granule", 1)
        # Sample time in ns, (full, quick), where the default does not suit.
        self.sample_time = options.get("sample_time")
        # A chain this deep needs the recursion limit raised, and maybe a big stack.
        self.depth = options.get("depth", 0)
        self.notes = options.get("notes", ())


def workloads(quick):
    w5_checks = (0, 1, 2, 3, 1001) if quick else (0, 1, 2, 3, 1001, TREE_SIZE + 5)
    chains = []
    for depth in (1, 10, 100, 1000, DEEP_CHAIN):
        options = {"depth": depth}
        if depth >= DEEP_CHAIN:
            # About 0.1 s to build and 20 ms per item: samples of about a second keep the
            # building under a tenth.
            options["sample_time"] = (1_000_000_000, 200_000_000)
            options["check_ns"] = (0, 1, 10)
        chains.append(Workload(f"chain-{depth}", chain_run(depth), w1_direct, **options))
    return [
        Workload("W1", w1, w1_direct),
        Workload("W2", w2, w2_direct),
        Workload("W3", w3, w3_direct),
        Workload("W4", w4, w4_direct),
        Workload(
            "W5",
            w5,
            w5_direct,
            check_ns=w5_checks,
            granule=TREE_SIZE,
            notes=("W5: recursive generator, `yield from walk(child)` for both children",),
        ),
        *chains,
        Workload("creation", creation, creation_direct),
    ]


class Config:
    def __init__(self, argv):
        flag = os.environ.get("YIELDING_BENCH_QUICK", "")
        self.quick = (flag not in ("", "0")) or "--quick" in argv
        self.filters = [a.lower() for a in argv if not a.startswith("-")]
        if self.quick:
            self.samples, self.sample_time = 3, 5_000_000
        else:
            self.samples, self.sample_time = 9, 150_000_000

    def selects(self, name):
        return not self.filters or any(f in name.lower() for f in self.filters)


# Stops the whole run from passing about a minute: past it, workloads get the fewest samples.
BUDGET_NS = 50_000_000_000
MIN_SAMPLES = 3
TOO_SLOW_NS = 10_000_000_000


def time_run(run, n):
    start = time.perf_counter_ns()
    run(n)
    return time.perf_counter_ns() - start


def calibrate(run, target):
    n = 16
    while True:
        elapsed = time_run(run, n)
        if elapsed >= target / 8 or n >= 1 << 40:
            return max(1, int(n * target / max(elapsed, 1)))
        n *= 4


class Mismatch(Exception):
    pass


def measure(workload, config, samples):
    """Checks, then times, one workload; returns its output lines."""
    name = workload.name
    lines = [f"# {note}" for note in workload.notes]
    for n in workload.check_ns:
        expected = workload.direct(n)
        start = time.perf_counter_ns()
        got = workload.run(n)
        elapsed = time.perf_counter_ns() - start
        if got != expected:
            raise Mismatch(f"{name}: the generators give {got} for n = {n}, the direct loop {expected}")
        if elapsed > TOO_SLOW_NS:
            return lines + [f"skip\t{name}\t{IMPL}\tone run of n = {n} took {elapsed / 1e9:.1f} s"]

    full, quick = workload.sample_time or (config.sample_time, config.sample_time)
    n = calibrate(workload.run, quick if config.quick else full)
    if not config.quick:
        n = max(1, -(-n // workload.granule)) * workload.granule
    per_item = sorted(time_run(workload.run, n) / n for _ in range(samples))
    median = per_item[len(per_item) // 2]
    empty = ""
    if workload.depth > 1:
        empty_ns = time_run(workload.run, 0)
        empty = (
            f"; a run with n = 0 (building and dropping the chain) takes {empty_ns / 1e6:.1f} ms,"
            f" {100 * empty_ns / (median * n):.1f}% of a median sample"
        )
    lines.append(f"# {name}: n = {n} items per sample, {samples} samples{empty}")
    lines.append(f"row\t{name}\t{IMPL}\t{median:.4f}")
    return lines


def deep_chain_probe(depth):
    """Whether a chain `depth` deep runs at all, tried in a child process: overflowing the C
    stack kills the process, which no except clause catches. Returns None or the reason."""
    try:
        child = subprocess.run(
            [sys.executable, os.path.abspath(__file__), f"--probe-chain={depth}"],
            capture_output=True,
            text=True,
            timeout=TOO_SLOW_NS / 1e9,
        )
    except subprocess.TimeoutExpired:
        return f"a child building a chain {depth} deep and taking 10 items ran over 10 s"
    if child.returncode == 0:
        return None
    if child.returncode < 0:
        return f"a child building the chain died of signal {-child.returncode} (C stack overflow, even with a 1 GiB thread stack)"
    last = (child.stderr.strip().splitlines() or ["no message"])[-1]
    return f"a child building the chain failed: {last}"


def with_big_stack(function):
    """Runs `function` on a thread with a 1 GiB stack and returns its result or raises."""
    result = []
    previous = threading.stack_size(1 << 30)
    try:
        thread = threading.Thread(target=lambda: result.append(_capture(function)))
        thread.start()
        thread.join()
    finally:
        threading.stack_size(previous)
    ok, value = result[0]
    if not ok:
        raise value
    return value


def _capture(function):
    try:
        return True, function()
    except BaseException as e:  # handed back to the caller's thread
        return False, e


def probe_child(depth):
    sys.setrecursionlimit(depth + 1000)
    got = with_big_stack(lambda: consume(chain(depth, 10)))
    return 0 if got == triangle(10) else 1


def run_workload(workload, config, samples):
    depth = workload.depth
    if depth >= 1000:
        # Each level of `yield from` is a Python frame on the resume path: the default
        # limit of 1000 is too few.
        sys.setrecursionlimit(max(sys.getrecursionlimit(), depth + 1000))
        print(f"# {workload.name}: sys.setrecursionlimit({depth + 1000}), since each resume nests {depth} frames")
    if depth >= DEEP_CHAIN:
        reason = deep_chain_probe(depth)
        if reason is not None:
            return [f"skip\t{workload.name}\t{IMPL}\t{reason}"]
        print(
            f"# {workload.name}: run on a thread with a 1 GiB stack: each resume recurses in C "
            f"through all {depth} levels, which overflows the main thread's 8 MiB stack"
        )
        return with_big_stack(lambda: measure(workload, config, samples))
    return measure(workload, config, samples)


def main(argv):
    for arg in argv:
        if arg.startswith("--probe-chain="):
            return probe_child(int(arg.split("=", 1)[1]))
    config = Config(argv)
    started = time.perf_counter_ns()
    print(
        f"# yielding CPython peer: Python {sys.version.split()[0]} ({sys.implementation.name});"
        f" {'QUICK run, numbers unreliable; ' if config.quick else ''}{config.samples} samples,"
        f" about {config.sample_time // 1_000_000} ms per sample, medians in ns per item",
        flush=True,
    )
    if config.selects("memory"):
        memory()
    for workload in workloads(config.quick):
        if not config.selects(workload.name):
            continue
        samples = config.samples
        if time.perf_counter_ns() - started > BUDGET_NS:
            samples = min(samples, MIN_SAMPLES)
        try:
            lines = run_workload(workload, config, samples)
        except Mismatch as mismatch:
            print(f"# CHECKSUM MISMATCH: {mismatch}", flush=True)
            print(f"checksum mismatch: {mismatch}", file=sys.stderr)
            return 1
        print("\n".join(lines), flush=True)
    print(f"# total time {(time.perf_counter_ns() - started) / 1e9:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
