"""Speed and memory of lossbook against PyTorch's built-ins: ``python -m lossbook.book.bench``.

Every comparison is measured in the same run, on the same inputs, with lossbook and its baseline timed in turns
(so that a change in the machine's load affects both): the median of repeated timings after a warm-up.

- Each loss of the catalog in the PyTorch backend, forward and forward+backward, against the matching
  ``torch.nn.functional`` built-in, or, where PyTorch has none, the plain torch expression a user would write, at
  sizes from 2^10 to 2^24 elements; at 1,024 elements also with validation off (``lossbook.validation(False)``),
  where the cost of checking arguments shows.
- The NumPy backend (value, and value + ``.grad``) against the PyTorch backend on the CPU.
- Cross-entropy from 256 x 10 to 4,096 x 32,000 (N x C): ``sparse_categorical_cross_entropy``,
  ``chunked_cross_entropy`` and ``F.cross_entropy``.
- The fused linear cross-entropy against ``F.cross_entropy(F.linear(...))``: time, and extra peak memory in units
  of the logits' size (on the CPU measured as the peak resident memory of a fresh process per variant).
- On CUDA (``--device cuda``): the same, peak memory from ``torch.cuda.max_memory_allocated``, ``torch.compile``
  of the built-in cross-entropy, and cross-entropy at 8,192 x 128,256 in bfloat16 next to a measured copy
  bandwidth.

Options: ``--device``, ``--quick`` (small sizes only), ``--json PATH`` (write all results).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc

import numpy as np

SIZES = [2**10, 2**14, 2**18, 2**20, 2**22, 2**24]
QUICK_SIZES = [2**10, 2**14]
CE_SHAPES = [(256, 10), (1024, 1000), (4096, 32000)]
QUICK_CE_SHAPES = [(256, 10), (256, 1000)]
LINEAR_SHAPES = [(2048, 512, 32000)]  # (N, H, V): 262 MB of float32 logits, within a 24 GB machine's reach
QUICK_LINEAR_SHAPES = [(256, 64, 2000)]
CUDA_LINEAR_SHAPES = [(8192, 4096, 128256)]
CLASSES = 1024  # class count for the losses over a class axis in the size sweep


def _torch():
    import torch

    return torch


# ---------------------------------------------------------------------------------------------------- timing


def _sync(device):
    if device == "cuda":
        _torch().cuda.synchronize()


def _once(fn, device):
    t0 = time.perf_counter()
    fn()
    _sync(device)
    return time.perf_counter() - t0


def timeit(fn, device="cpu", budget=0.4, min_reps=3, max_reps=50):
    """Median seconds of ``fn()`` after one warm-up, repeated until about ``budget`` seconds have been spent."""
    return compare([fn], device, budget, min_reps, max_reps)[0]


def compare(fns, device="cpu", budget=0.6, min_reps=5, max_reps=60):
    """Median seconds of each function, timed in turns (one call of each per round) after a warm-up of each."""
    for fn in fns:
        fn()
    _sync(device)
    times = [[] for _ in fns]
    start = time.perf_counter()
    while len(times[0]) < min_reps or (len(times[0]) < max_reps and time.perf_counter() - start < budget):
        for fn, out in zip(fns, times):
            out.append(_once(fn, device))
    return [statistics.median(t) for t in times]


def relative_cost(seconds, baseline_seconds, *, factor=3.0):
    """A timing comparison in words that stay the same from run to run: whether ``seconds`` is within ``factor``
    of ``baseline_seconds``, or more than ``factor`` times slower or faster.

    Timings on a shared machine vary by tens of percent between runs, so a notebook that prints a measured ratio
    prints a different number each time; a verdict with a wide margin does not change.

    >>> relative_cost(1.3, 1.0)
    'within 3x of each other'
    >>> relative_cost(10.0, 1.0)
    'more than 3x slower'
    >>> relative_cost(0.2, 1.0, factor=2)
    'more than 2x faster'

    Args:
        seconds: the time measured for the thing compared.
        baseline_seconds: the time of the baseline it is compared with.
        factor: how far apart (a ratio > 1) the two must be to be called slower or faster.

    Returns:
        A phrase, ``"within 3x of each other"``, ``"more than 3x slower"`` or ``"more than 3x faster"``, with the
        given ``factor`` in place of 3.
    """
    if not factor > 1:
        raise ValueError(f"factor must be a ratio greater than 1, got {factor}")
    if not (seconds > 0 and baseline_seconds > 0):
        raise ValueError(f"times must be positive, got {seconds} and {baseline_seconds}")
    ratio = seconds / baseline_seconds
    shown = f"{factor:g}x"
    if ratio > factor:
        return f"more than {shown} slower"
    if ratio < 1 / factor:
        return f"more than {shown} faster"
    return f"within {shown} of each other"


def peak_cuda_bytes(fn, x):
    """Extra CUDA memory ``fn`` needs at its peak (its gradient included), above the inputs: ``x.grad`` is cleared
    first so that a gradient left by an earlier run does not count as part of the baseline."""
    torch = _torch()
    x.grad = None
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    base = torch.cuda.memory_allocated()
    fn()
    torch.cuda.synchronize()
    return torch.cuda.max_memory_allocated() - base


def peak_numpy_bytes(fn):
    """Peak bytes NumPy allocates while ``fn`` runs (NumPy reports its allocations to tracemalloc)."""
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


# ---------------------------------------------------------------------------------------------------- inputs


def inputs(loss, n, dtype="float32"):
    """``(y_pred, y_true, options)`` for ``n`` elements of ``loss``, NumPy arrays (every catalog loss has some)."""
    rng = np.random.default_rng(0)
    shape = (n,)
    if loss in ("categorical_cross_entropy", "sparse_categorical_cross_entropy", "kl_divergence"):
        shape = (max(1, n // CLASSES), CLASSES)
    normal = rng.normal(0, 2, shape).astype(dtype)
    if loss == "binary_cross_entropy":
        return rng.normal(0, 3, shape).astype(dtype), rng.integers(0, 2, shape).astype(dtype), {"from_logits": True}
    if loss in ("hinge", "squared_hinge"):
        return normal, rng.choice([-1.0, 1.0], shape).astype(dtype), {}
    if loss == "zero_one":
        return normal, rng.integers(0, 2, shape).astype(dtype), {"threshold": 0.0}
    if loss == "categorical_cross_entropy":
        return normal, np.eye(CLASSES, dtype=dtype)[rng.integers(0, CLASSES, shape[0])], {"from_logits": True}
    if loss == "sparse_categorical_cross_entropy":
        return normal, rng.integers(0, CLASSES, shape[0]), {"from_logits": True}
    if loss == "kl_divergence":
        p = rng.dirichlet(np.ones(CLASSES), shape[0]).astype(dtype)
        return np.log(rng.dirichlet(np.ones(CLASSES), shape[0])).astype(dtype), p, {"log_input": True}
    if loss == "gaussian_nll":
        return normal, rng.normal(0, 2, shape).astype(dtype), {"log_var": rng.normal(0, 1, shape).astype(dtype)}
    if loss == "poisson_nll":
        log_rate = rng.normal(1, 1, shape).astype(dtype)
        return log_rate, rng.poisson(np.exp(log_rate)).astype(dtype), {}
    options = {"huber": {"delta": 1.0}, "smooth_l1": {"beta": 1.0}, "quantile": {"q": 0.9}}.get(loss, {})
    return normal, rng.normal(0, 2, shape).astype(dtype), options


def builtin(loss, options):
    """The PyTorch computation lossbook is compared with: the built-in, or the plain expression where none exists
    (``BASELINES`` names it)."""
    torch = _torch()
    F = torch.nn.functional
    q = options.get("q")
    table = {
        "mse": lambda x, t: F.mse_loss(x, t),
        "mae": lambda x, t: F.l1_loss(x, t),
        "huber": lambda x, t: F.huber_loss(x, t, delta=options.get("delta", 1.0)),
        "smooth_l1": lambda x, t: F.smooth_l1_loss(x, t, beta=options.get("beta", 1.0)),
        "quantile": lambda x, t: torch.maximum(q * (t - x), (q - 1) * (t - x)).mean(),
        "log_cosh": lambda x, t: torch.log(torch.cosh(x - t)).mean(),
        "binary_cross_entropy": lambda x, t: F.binary_cross_entropy_with_logits(x, t),
        "hinge": lambda x, t: torch.clamp(1 - t * x, min=0).mean(),
        "squared_hinge": lambda x, t: (torch.clamp(1 - t * x, min=0) ** 2).mean(),
        "zero_one": lambda x, t: ((x > 0) != (t > 0)).to(x.dtype).mean(),
        "categorical_cross_entropy": lambda x, t: F.cross_entropy(x, t),
        "sparse_categorical_cross_entropy": lambda x, t: F.cross_entropy(x, t),
        "kl_divergence": lambda x, t: F.kl_div(x, t, reduction="batchmean"),
        "gaussian_nll": lambda x, t: F.gaussian_nll_loss(x, t, torch.exp(options["log_var"])),
        "poisson_nll": lambda x, t: F.poisson_nll_loss(x, t),
    }
    return table[loss]


BASELINES = {"quantile": "torch expression", "log_cosh": "log(cosh(r)) (naive)", "hinge": "torch expression",
             "squared_hinge": "torch expression", "zero_one": "torch expression (forward only)"}


def baseline_name(loss):
    return BASELINES.get(loss, "torch.nn.functional")


# ---------------------------------------------------------------------------------------------------- benchmarks


def _fwd_bwd(fn, x, t):
    def run():
        x.grad = None
        out = fn(x, t)
        if out.requires_grad:
            out.backward()

    return run


def bench_losses(device, sizes, small_without_validation=True):
    """lossbook (PyTorch backend) against its baseline, forward and forward+backward; NumPy against PyTorch on CPU;
    at the smallest size also with validation off."""
    torch = _torch()
    import lossbook

    from .. import catalog
    from .. import numpy as lbn
    from .. import torch as lbt

    rows = []
    for loss in catalog.names():
        trainable = catalog.get(loss).trainable
        for n in sizes:
            y_pred, y_true, options = inputs(loss, n)
            x = torch.from_numpy(y_pred).to(device).requires_grad_(trainable)
            t = torch.from_numpy(y_true).to(device)
            tensor_options = {k: torch.from_numpy(v).to(device) if isinstance(v, np.ndarray) else v
                              for k, v in options.items()}
            fn = getattr(lbt, loss)
            ours = lambda a, b: fn(a, b, **tensor_options)  # noqa: E731
            ref = builtin(loss, tensor_options)
            row = {"loss": loss, "n": int(y_pred.size), "device": device, "baseline": baseline_name(loss)}
            with torch.no_grad():
                row["fwd_lossbook"], row["fwd_builtin"] = compare([lambda: ours(x, t), lambda: ref(x, t)], device)
            row["fwdbwd_lossbook"], row["fwdbwd_builtin"] = compare([_fwd_bwd(ours, x, t), _fwd_bwd(ref, x, t)], device)
            if small_without_validation and n == min(sizes):
                with lossbook.validation(False):
                    row["fwdbwd_lossbook_unchecked"], row["fwdbwd_builtin_unchecked"] = compare(
                        [_fwd_bwd(ours, x, t), _fwd_bwd(ref, x, t)], device)
            if device == "cuda":
                row["mem_lossbook"] = peak_cuda_bytes(_fwd_bwd(ours, x, t), x)
                row["mem_builtin"] = peak_cuda_bytes(_fwd_bwd(ref, x, t), x)
            else:
                numpy_fn = getattr(lbn, loss)
                row["fwd_numpy"] = timeit(lambda: numpy_fn(y_pred, y_true, **options))
                row["fwdbwd_numpy"] = timeit(lambda: (numpy_fn(y_pred, y_true, **options),
                                                      numpy_fn.grad(y_pred, y_true, **options)))
                row["mem_numpy"] = peak_numpy_bytes(lambda: numpy_fn.grad(y_pred, y_true, **options))
            rows.append(row)
            _print_loss_row(row)
    return rows


def bench_cross_entropy(device, shapes, dtype="float32"):
    """Cross-entropy at N x C: lossbook's plain and chunked forms against F.cross_entropy (and torch.compile on CUDA)."""
    torch = _torch()
    F = torch.nn.functional
    from .. import torch as lbt

    tdtype = getattr(torch, dtype)
    candidates = {
        "F.cross_entropy": lambda z, y: F.cross_entropy(z, y),
        "lbt.sparse_categorical_cross_entropy": lambda z, y: lbt.sparse_categorical_cross_entropy(z, y, from_logits=True),
        "lbt.chunked_cross_entropy": lambda z, y: lbt.chunked_cross_entropy(z, y),
    }
    if dtype != "float32":
        candidates["F.cross_entropy(z.float())"] = lambda z, y: F.cross_entropy(z.float(), y)
    if device == "cuda":
        candidates["torch.compile(F.cross_entropy)"] = torch.compile(lambda z, y: F.cross_entropy(z.float(), y))
    rows = []
    for n, c in shapes:
        g = torch.Generator(device=device).manual_seed(0)
        z = torch.randn(n, c, device=device, generator=g).to(tdtype).requires_grad_()
        y = torch.randint(0, c, (n,), device=device, generator=g)
        times = compare([_fwd_bwd(fn, z, y) for fn in candidates.values()], device, budget=1.5, min_reps=3,
                        max_reps=20)
        for (name, fn), seconds in zip(candidates.items(), times):
            row = {"impl": name, "n": n, "c": c, "dtype": dtype, "device": device,
                   "logits_bytes": z.numel() * z.element_size(), "fwdbwd": seconds}
            if device == "cuda":
                row["mem"] = peak_cuda_bytes(_fwd_bwd(fn, z, y), z)
            rows.append(row)
            _print_ce_row(row)
        del z
    return rows


LINEAR_VARIANTS = ("F.cross_entropy(F.linear)", "lbt.linear_cross_entropy")


def _linear_case(n, h, v, device, dtype):
    torch = _torch()
    g = torch.Generator(device=device).manual_seed(0)
    hidden = torch.randn(n, h, device=device, generator=g).to(dtype).requires_grad_()
    weight = (torch.randn(v, h, device=device, generator=g) / h**0.5).to(dtype).requires_grad_()
    labels = torch.randint(0, v, (n,), device=device, generator=g)
    return hidden, weight, labels


def _linear_fn(variant):
    torch = _torch()
    from .. import torch as lbt

    if variant == "lbt.linear_cross_entropy":
        return lambda h, w, y: lbt.linear_cross_entropy(h, w, y)
    return lambda h, w, y: torch.nn.functional.cross_entropy(torch.nn.functional.linear(h, w), y.long())


def _linear_step(fn, hidden, weight, labels):
    def run():
        hidden.grad = weight.grad = None
        fn(hidden, weight, labels).backward()

    return run


def _peak_rss():
    """This process's peak resident memory in bytes: ``VmHWM`` of ``/proc/self/status``, which starts afresh in a
    new program (``ru_maxrss`` carries the peak of the process that started it across ``exec``)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status: the memory measurement needs Linux")


def linear_peak_cpu(variant, n, h, v):
    """Extra peak resident memory (bytes) of one forward+backward of ``variant``, measured in this fresh process:
    the peak after the step minus the peak once the inputs and a first step's gradients exist."""
    torch = _torch()
    torch.set_num_threads(1)
    hidden, weight, labels = _linear_case(n, h, v, "cpu", torch.float32)
    hidden.grad, weight.grad = torch.zeros_like(hidden), torch.zeros_like(weight)  # the gradients' own memory
    hidden.grad.fill_(1.0)
    weight.grad.fill_(1.0)
    before = _peak_rss()
    fn = _linear_fn(variant)
    fn(hidden, weight, labels).backward()
    return _peak_rss() - before


def bench_linear_cross_entropy(device, shapes, dtype="float32"):
    """The fused linear cross-entropy against ``F.cross_entropy(F.linear(...))``: forward+backward time, and the
    extra peak memory in units of the logits' size (CPU: a fresh process per variant)."""
    torch = _torch()
    tdtype = getattr(torch, dtype)
    rows = []
    for n, h, v in shapes:
        hidden, weight, labels = _linear_case(n, h, v, device, tdtype)
        fns = [_linear_fn(variant) for variant in LINEAR_VARIANTS]
        times = compare([_linear_step(fn, hidden, weight, labels) for fn in fns], device, budget=2.0, min_reps=3,
                        max_reps=10)
        logits_bytes = n * v * torch.empty((), dtype=tdtype).element_size()
        for variant, fn, seconds in zip(LINEAR_VARIANTS, fns, times):
            row = {"impl": variant, "n": n, "h": h, "v": v, "dtype": dtype, "device": device,
                   "logits_bytes": logits_bytes, "fwdbwd": seconds}
            if device == "cuda":
                row["mem"] = peak_cuda_bytes(_linear_step(fn, hidden, weight, labels), hidden)
            elif dtype == "float32":
                code = (f"from lossbook.book.bench import linear_peak_cpu; "
                        f"print(linear_peak_cpu({variant!r}, {n}, {h}, {v}))")
                out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
                row["mem"] = int(out.stdout.split()[-1])
            rows.append(row)
            _print_linear_row(row)
        del hidden, weight
    return rows


def copy_bandwidth(device, nbytes=2 << 30):
    """Device copy bandwidth in bytes/s, counting bytes read and written (the ceiling for a memory-bound loss)."""
    torch = _torch()
    a = torch.empty(nbytes // 2, dtype=torch.bfloat16, device=device)
    b = torch.empty_like(a)
    seconds = timeit(lambda: b.copy_(a), device, budget=1.0)
    return 2 * a.numel() * a.element_size() / seconds


# ---------------------------------------------------------------------------------------------------- printing


def _mb(x):
    return f"{x / 2**20:9.1f}" if x is not None else "        -"


def _print_loss_row(r):
    ratio_f = r["fwd_lossbook"] / r["fwd_builtin"]
    ratio_b = r["fwdbwd_lossbook"] / r["fwdbwd_builtin"]
    if "fwd_numpy" in r:
        extra = (f" numpy/torch fwd {r['fwd_numpy'] / r['fwd_lossbook']:5.2f}x "
                 f"fwd+grad {r['fwdbwd_numpy'] / r['fwdbwd_lossbook']:5.2f}x")
    else:
        extra = f" mem {_mb(r['mem_lossbook'])} MiB vs {_mb(r['mem_builtin'])} MiB"
    if "fwdbwd_lossbook_unchecked" in r:
        extra += f"; validation off {r['fwdbwd_lossbook_unchecked'] / r['fwdbwd_builtin_unchecked']:5.2f}x"
    print(f"{r['loss']:34} n={r['n']:>9} fwd {r['fwd_lossbook'] * 1e3:9.3f} ms ({ratio_f:5.2f}x) "
          f"fwd+bwd {r['fwdbwd_lossbook'] * 1e3:9.3f} ms ({ratio_b:5.2f}x vs {r['baseline']}){extra}", flush=True)


def _print_ce_row(r):
    mem = f" extra peak {_mb(r['mem'])} MiB ({r['mem'] / r['logits_bytes']:.2f}x logits)" if "mem" in r else ""
    print(f"CE {r['n']:>5} x {r['c']:>6} {r['dtype']:9} {r['impl']:38} fwd+bwd {r['fwdbwd'] * 1e3:9.3f} ms{mem}",
          flush=True)


def _print_linear_row(r):
    mem = f" extra peak {_mb(r['mem'])} MiB ({r['mem'] / r['logits_bytes']:.2f}x logits)" if "mem" in r else ""
    print(f"linear CE N={r['n']} H={r['h']} V={r['v']} {r['dtype']:9} {r['impl']:28} fwd+bwd "
          f"{r['fwdbwd'] * 1e3:9.1f} ms{mem}", flush=True)


def load(path):
    """Benchmark results written by ``--json``."""
    with open(path) as f:
        return json.load(f)


def ratios(results, n, ours="fwdbwd_lossbook", base="fwdbwd_builtin"):
    """``{loss: lossbook time / baseline time}`` at ``n`` elements (forward+backward by default)."""
    return {r["loss"]: r[ours] / r[base] for r in results["losses"] if r["n"] == n and ours in r}


def verdict(results, n=2**20, small=2**10):
    """The issue's targets, checked on a result: every loss <= 2.0x and the median <= 1.3x at ``n`` elements
    (forward+backward), and <= 2x at ``small`` elements with validation off. Returns text lines."""
    big = ratios(results, n)
    unchecked = ratios(results, small, "fwdbwd_lossbook_unchecked", "fwdbwd_builtin_unchecked")
    lines = [f"at {n:,} elements, forward+backward:",
             f"  median {statistics.median(big.values()):.2f}x, max {max(big.values()):.2f}x "
             f"({max(big, key=big.get)})"]
    if unchecked:
        lines += [f"at {small:,} elements with validation off:",
                  f"  max {max(unchecked.values()):.2f}x ({max(unchecked, key=unchecked.get)})"]
    return lines


def loss_table(results, n):
    """Text table of the loss rows at ``n`` elements: time ratios to the baseline, and either the peak memory's
    ratio (CUDA) or the NumPy backend's time over the PyTorch backend's (CPU). Fits 66 characters."""
    rows = [r for r in results["losses"] if r["n"] == n]
    cuda = "mem_lossbook" in rows[0]
    lines = [f"n = {n:,} elements; time ratio to the baseline", "(below 1: lossbook is faster)"]
    if cuda:
        lines.append(f"{'loss':32} {'fwd':>6} {'fwd+bwd':>8} {'memory':>7}")
    else:
        lines += [f"{'':32} {'':>6} {'':>8} {'NumPy / PyTorch':>16}",
                  f"{'loss':32} {'fwd':>6} {'fwd+bwd':>8} {'fwd':>7} {'+grad':>8}"]
    for r in rows:
        cells = [r["fwd_lossbook"] / r["fwd_builtin"], r["fwdbwd_lossbook"] / r["fwdbwd_builtin"]]
        if cuda:
            cells += [r["mem_lossbook"] / max(r["mem_builtin"], 1)]
            widths = (6, 8, 7)
        else:
            cells += [r["fwd_numpy"] / r["fwd_lossbook"], r["fwdbwd_numpy"] / r["fwdbwd_lossbook"]]
            widths = (6, 8, 7, 8)
        lines.append(f"{r['loss']:32} " + " ".join(f"{c:{w}.2f}" for c, w in zip(cells, widths)))
    return "\n".join(lines)


def cross_entropy_table(results):
    """Text table of the cross-entropy rows: forward+backward time, and on CUDA the extra peak memory in units of
    the logits' size. Fits 70 characters."""
    rows = results["cross_entropy"]
    memory = any("mem" in r for r in rows)
    lines = [f"{'N x C':>13} {'implementation':36} {'ms':>9}" + (f" {'memory':>8}" if memory else "")]
    for r in rows:
        shape = f"{r['n']} x {r['c']}" + ("" if r["dtype"] == "float32" else f" {r['dtype']}")
        mem = (f" {r['mem'] / r['logits_bytes']:7.2f}x" if "mem" in r else f" {'-':>8}") if memory else ""
        lines.append(f"{shape:>13} {r['impl']:36} {r['fwdbwd'] * 1e3:9.2f}{mem}")
    return "\n".join(lines)


def linear_table(results):
    """Text table of the fused linear cross-entropy rows: forward+backward time and extra peak memory in units of
    the logits' size. Fits 70 characters."""
    lines = [f"{'N x H x V':>20} {'implementation':26} {'ms':>9} {'memory':>8}"]
    for r in results.get("linear_cross_entropy", []):
        shape = f"{r['n']} x {r['h']} x {r['v']}"
        mem = f"{r['mem'] / r['logits_bytes']:7.2f}x" if "mem" in r else f"{'-':>8}"
        lines.append(f"{shape:>20} {r['impl']:26} {r['fwdbwd'] * 1e3:9.1f} {mem}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m lossbook.book.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--quick", action="store_true", help="small sizes only (a smoke test)")
    parser.add_argument("--json", help="write the results to this file")
    args = parser.parse_args(argv)
    torch = _torch()
    machine = {"device": torch.cuda.get_device_name() if args.device == "cuda" else platform.processor() or platform.machine(),
               "cpu_threads": torch.get_num_threads(), "torch": torch.__version__, "numpy": np.__version__,
               "cpu_capability": torch.backends.cpu.get_cpu_capability()}
    print(f"machine: {machine}", flush=True)
    sizes = QUICK_SIZES if args.quick else SIZES
    results = {"machine": machine, "losses": bench_losses(args.device, sizes),
               "cross_entropy": bench_cross_entropy(args.device, QUICK_CE_SHAPES if args.quick else CE_SHAPES)}
    linear = QUICK_LINEAR_SHAPES if args.quick else (CUDA_LINEAR_SHAPES if args.device == "cuda" else LINEAR_SHAPES)
    results["linear_cross_entropy"] = bench_linear_cross_entropy(
        args.device, linear, dtype="bfloat16" if args.device == "cuda" and not args.quick else "float32")
    if args.device == "cuda" and not args.quick:
        results["copy_bandwidth"] = copy_bandwidth("cuda")
        print(f"device copy bandwidth: {results['copy_bandwidth'] / 1e12:.2f} TB/s", flush=True)
        results["cross_entropy"] += bench_cross_entropy("cuda", [(8192, 128256)], dtype="bfloat16")
    if not args.quick:
        print("\n".join(verdict(results)))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
