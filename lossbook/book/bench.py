"""Speed and memory of lossbook against PyTorch's built-ins: ``python -m lossbook.book.bench``.

Every comparison is measured in the same run: the median of repeated timings after a warm-up, on the same inputs.

- Each loss in the PyTorch backend, forward and forward+backward, against the matching ``torch.nn.functional``
  built-in (or, where PyTorch has none, the plain torch expression a user would write), at sizes from 2^10 to 2^24
  elements.
- The NumPy backend (value, and value + ``.grad``) against the PyTorch backend on the CPU.
- Cross-entropy from 256 x 10 to 4,096 x 32,000 (N x C): ``sparse_categorical_cross_entropy``,
  ``chunked_cross_entropy`` and ``F.cross_entropy``.
- On CUDA (``--device cuda``): the same, peak memory from ``torch.cuda.max_memory_allocated``, lossbook's opt-in
  compiled kernels (``LOSSBOOK_COMPILE=1``), ``torch.compile`` of the built-in cross-entropy, and cross-entropy at
  8,192 x 128,256 in bfloat16 next to a measured device copy bandwidth.

Options: ``--device``, ``--quick`` (small sizes only), ``--json PATH`` (write all results).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
import tracemalloc

import numpy as np

SIZES = [2**10, 2**14, 2**18, 2**22, 2**24]
QUICK_SIZES = [2**10, 2**14]
CE_SHAPES = [(256, 10), (1024, 1000), (4096, 32000)]
QUICK_CE_SHAPES = [(256, 10), (256, 1000)]
CLASSES = 1024  # class count for the losses over a class axis in the size sweep


def _torch():
    import torch

    return torch


# ---------------------------------------------------------------------------------------------------- timing


def _sync(device):
    if device == "cuda":
        _torch().cuda.synchronize()


def timeit(fn, device="cpu", budget=0.4, min_reps=3, max_reps=50):
    """Median seconds of ``fn()`` after one warm-up, repeated until about ``budget`` seconds have been spent."""
    fn()
    _sync(device)
    times = []
    start = time.perf_counter()
    while len(times) < min_reps or (len(times) < max_reps and time.perf_counter() - start < budget):
        t0 = time.perf_counter()
        fn()
        _sync(device)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


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


def _inputs(loss, n, device, dtype="float32"):
    """``(y_pred, y_true, options, baseline)`` for ``n`` elements: NumPy arrays plus the built-in to compare with."""
    rng = np.random.default_rng(0)
    shape = (n,)
    if loss in ("categorical_cross_entropy", "sparse_categorical_cross_entropy", "kl_divergence"):
        shape = (max(1, n // CLASSES), CLASSES)
    if loss in ("binary_cross_entropy",):
        return rng.normal(0, 3, shape).astype(dtype), rng.integers(0, 2, shape).astype(dtype), {"from_logits": True}
    if loss in ("hinge", "squared_hinge"):
        return rng.normal(0, 2, shape).astype(dtype), rng.choice([-1.0, 1.0], shape).astype(dtype), {}
    if loss == "categorical_cross_entropy":
        return rng.normal(0, 2, shape).astype(dtype), np.eye(CLASSES, dtype=dtype)[rng.integers(0, CLASSES, shape[0])], {"from_logits": True}
    if loss == "sparse_categorical_cross_entropy":
        return rng.normal(0, 2, shape).astype(dtype), rng.integers(0, CLASSES, shape[0]), {"from_logits": True}
    if loss == "kl_divergence":
        p = rng.dirichlet(np.ones(CLASSES), shape[0]).astype(dtype)
        return np.log(rng.dirichlet(np.ones(CLASSES), shape[0])).astype(dtype), p, {"log_input": True}
    options = {"huber": {"delta": 1.0}, "smooth_l1": {"beta": 1.0}, "quantile": {"q": 0.9}}.get(loss, {})
    return rng.normal(0, 2, shape).astype(dtype), rng.normal(0, 2, shape).astype(dtype), options


def builtin(loss, options):
    """The PyTorch computation lossbook is compared with: the built-in, or the plain expression where none exists."""
    torch = _torch()
    F = torch.nn.functional
    table = {
        "mse": lambda x, t: F.mse_loss(x, t),
        "mae": lambda x, t: F.l1_loss(x, t),
        "huber": lambda x, t: F.huber_loss(x, t, delta=options.get("delta", 1.0)),
        "smooth_l1": lambda x, t: F.smooth_l1_loss(x, t, beta=options.get("beta", 1.0)),
        "quantile": lambda x, t: torch.maximum(options["q"] * (t - x), (options["q"] - 1) * (t - x)).mean(),
        "log_cosh": lambda x, t: torch.log(torch.cosh(x - t)).mean(),
        "binary_cross_entropy": lambda x, t: F.binary_cross_entropy_with_logits(x, t),
        "hinge": lambda x, t: torch.clamp(1 - t * x, min=0).mean(),
        "squared_hinge": lambda x, t: (torch.clamp(1 - t * x, min=0) ** 2).mean(),
        "zero_one": None,
        "categorical_cross_entropy": lambda x, t: F.cross_entropy(x, t),
        "sparse_categorical_cross_entropy": lambda x, t: F.cross_entropy(x, t),
        "kl_divergence": lambda x, t: F.kl_div(x, t, reduction="batchmean"),
    }
    return table[loss]


BUILTIN_NAMES = {"quantile": "torch expression", "log_cosh": "log(cosh(r)) (naive)", "hinge": "torch expression",
                 "squared_hinge": "torch expression"}


# ---------------------------------------------------------------------------------------------------- benchmarks


def _fwd_bwd(fn, x, t):
    def run():
        x.grad = None
        fn(x, t).backward()

    return run


def bench_losses(device, sizes):
    """lossbook (PyTorch backend) against the built-in, forward and forward+backward; NumPy against PyTorch on CPU."""
    torch = _torch()
    from .. import catalog
    from .. import numpy as lbn
    from .. import torch as lbt

    rows = []
    for loss in catalog.names():
        if loss == "zero_one":
            continue
        for n in sizes:
            y_pred, y_true, options = _inputs(loss, n, device)
            x = torch.from_numpy(y_pred).to(device).requires_grad_()
            t = torch.from_numpy(y_true).to(device)
            ours = lambda a, b: getattr(lbt, loss)(a, b, **options)  # noqa: E731
            ref = builtin(loss, options)
            row = {"loss": loss, "n": int(y_pred.size), "device": device, "baseline": BUILTIN_NAMES.get(loss, "torch.nn.functional")}
            with torch.no_grad():
                row["fwd_lossbook"] = timeit(lambda: ours(x, t), device)
                row["fwd_builtin"] = timeit(lambda: ref(x, t), device)
            row["fwdbwd_lossbook"] = timeit(_fwd_bwd(ours, x, t), device)
            row["fwdbwd_builtin"] = timeit(_fwd_bwd(ref, x, t), device)
            if device == "cuda":
                row["mem_lossbook"] = peak_cuda_bytes(_fwd_bwd(ours, x, t), x)
                row["mem_builtin"] = peak_cuda_bytes(_fwd_bwd(ref, x, t), x)
                os.environ["LOSSBOOK_COMPILE"] = "1"  # the opt-in fused kernels, measured in the same run
                row["fwdbwd_compiled"] = timeit(_fwd_bwd(ours, x, t), device)
                row["mem_compiled"] = peak_cuda_bytes(_fwd_bwd(ours, x, t), x)
                os.environ.pop("LOSSBOOK_COMPILE")
            else:
                fn = getattr(lbn, loss)
                row["fwd_numpy"] = timeit(lambda: fn(y_pred, y_true, **options))
                row["fwdbwd_numpy"] = timeit(lambda: (fn(y_pred, y_true, **options), fn.grad(y_pred, y_true, **options)))
                row["mem_numpy"] = peak_numpy_bytes(lambda: fn.grad(y_pred, y_true, **options))
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
        for name, fn in candidates.items():
            row = {"impl": name, "n": n, "c": c, "dtype": dtype, "device": device,
                   "logits_bytes": z.numel() * z.element_size()}
            row["fwdbwd"] = timeit(_fwd_bwd(fn, z, y), device, budget=1.0, min_reps=3, max_reps=20)
            if device == "cuda":
                row["mem"] = peak_cuda_bytes(_fwd_bwd(fn, z, y), z)
            rows.append(row)
            _print_ce_row(row)
        del z
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
        extra = (f" mem {_mb(r['mem_lossbook'])} MiB vs {_mb(r['mem_builtin'])} MiB; compiled fwd+bwd "
                 f"{r['fwdbwd_compiled'] / r['fwdbwd_builtin']:5.2f}x mem {_mb(r['mem_compiled'])} MiB")
    print(f"{r['loss']:34} n={r['n']:>9} fwd {r['fwd_lossbook'] * 1e3:9.3f} ms ({ratio_f:5.2f}x) "
          f"fwd+bwd {r['fwdbwd_lossbook'] * 1e3:9.3f} ms ({ratio_b:5.2f}x vs {r['baseline']}){extra}", flush=True)


def _print_ce_row(r):
    mem = f" extra peak {_mb(r['mem'])} MiB ({r['mem'] / r['logits_bytes']:.2f}x logits)" if "mem" in r else ""
    print(f"CE {r['n']:>5} x {r['c']:>6} {r['dtype']:9} {r['impl']:38} fwd+bwd {r['fwdbwd'] * 1e3:9.3f} ms{mem}", flush=True)


def load(path):
    """Benchmark results written by ``--json``."""
    with open(path) as f:
        return json.load(f)


def loss_table(results, n):
    """Text table of the loss rows at ``n`` elements: time ratios to the baseline (and memory, or NumPy/PyTorch)."""
    rows = [r for r in results["losses"] if r["n"] == n]
    cuda = "mem_lossbook" in rows[0]
    head = (f"{'loss':34} {'fwd':>6} {'fwd+bwd':>8} {'compiled':>9} {'memory':>7}" if cuda else
            f"{'loss':34} {'fwd':>6} {'fwd+bwd':>8} {'numpy fwd':>10} {'numpy+grad':>11}")
    lines = [f"n = {n:,} elements; ratios to the baseline (below 1: lossbook is faster or smaller)", head]
    for r in rows:
        cells = [r["fwd_lossbook"] / r["fwd_builtin"], r["fwdbwd_lossbook"] / r["fwdbwd_builtin"]]
        if cuda:
            cells += [r["fwdbwd_compiled"] / r["fwdbwd_builtin"], r["mem_lossbook"] / max(r["mem_builtin"], 1)]
            widths = (6, 8, 9, 7)
        else:
            cells += [r["fwd_numpy"] / r["fwd_lossbook"], r["fwdbwd_numpy"] / r["fwdbwd_lossbook"]]
            widths = (6, 8, 10, 11)
        lines.append(f"{r['loss']:34} " + " ".join(f"{c:{w}.2f}" for c, w in zip(cells, widths)))
    return "\n".join(lines)


def cross_entropy_table(results):
    """Text table of the cross-entropy rows: time, and extra peak memory in units of the logits' size."""
    lines = [f"{'N x C':>14} {'dtype':9} {'implementation':38} {'fwd+bwd ms':>10} {'extra memory':>13}"]
    for r in results["cross_entropy"]:
        mem = f"{r['mem'] / r['logits_bytes']:12.2f}x" if "mem" in r else f"{'-':>13}"
        lines.append(f"{r['n']:>6} x {r['c']:<6} {r['dtype']:9} {r['impl']:38} {r['fwdbwd'] * 1e3:10.2f} {mem}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m lossbook.book.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--quick", action="store_true", help="small sizes only (a smoke test)")
    parser.add_argument("--json", help="write the results to this file")
    args = parser.parse_args(argv)
    torch = _torch()
    machine = {"device": torch.cuda.get_device_name() if args.device == "cuda" else platform.processor() or platform.machine(),
               "cpu_threads": torch.get_num_threads(), "torch": torch.__version__, "numpy": np.__version__}
    print(f"machine: {machine}", flush=True)
    results = {"machine": machine,
               "losses": bench_losses(args.device, QUICK_SIZES if args.quick else SIZES),
               "cross_entropy": bench_cross_entropy(args.device, QUICK_CE_SHAPES if args.quick else CE_SHAPES)}
    if args.device == "cuda" and not args.quick:
        results["copy_bandwidth"] = copy_bandwidth("cuda")
        print(f"device copy bandwidth: {results['copy_bandwidth'] / 1e12:.2f} TB/s", flush=True)
        results["cross_entropy"] += bench_cross_entropy("cuda", [(8192, 128256)], dtype="bfloat16")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
