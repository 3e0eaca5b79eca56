"""The public API as a type checker sees it: mypy (pinned in requirements.txt) on a client file that calls every
loss of both backends, every ``.grad`` and every module with its hyperparameters finds no error, and on a file
with misspelt keywords reports each one."""

import subprocess
import sys
from pathlib import Path

from lossbook import catalog

ROOT = Path(__file__).resolve().parents[1]

SAMPLE = {"float": "1.0", "bool": "False", "int | None": "None", "Array | None": "None",
          "Array | float | None": "None"}


def _keywords(record):
    return ", ".join(f"{h.name}={SAMPLE[h.annotation]}" for h in record.hyperparameters)


def _client():
    lines = ["import numpy as np", "import torch", "from lossbook import numpy as lbn", "from lossbook import torch as lbt",
             "", "a = np.zeros((4, 3))", "t = torch.zeros(4, 3)", "labels = np.zeros(4, dtype=np.int64)", ""]
    for record in catalog.RECORDS.values():
        kw = _keywords(record)
        target = "labels" if record.kind == "sparse" else "a"
        lines += [
            f"v_{record.name} = lbn.{record.name}(a, {target}, {kw}{', ' if kw else ''}reduction='sum')",
            f"g_{record.name} = lbn.{record.name}.grad(a, {target}, {kw}{', ' if kw else ''}weight=None)",
            f"tv_{record.name}: torch.Tensor = lbt.{record.name}(t, torch.as_tensor({target}), {kw})",
            f"m_{record.name}: torch.nn.Module = lbt.{record.module}({kw}{', ' if kw else ''}reduction='none')",
            f"mv_{record.name}: torch.Tensor = lbt.{record.module}({kw})(t, torch.as_tensor({target}))",
        ]
    lines += ["c: torch.Tensor = lbt.chunked_cross_entropy(t, torch.zeros(4, dtype=torch.long))",
              "f: torch.Tensor = lbt.linear_cross_entropy(t, torch.zeros(5, 3), torch.zeros(4, dtype=torch.long))"]
    return "\n".join(lines) + "\n"


MISSPELT = """\
import numpy as np
from lossbook import numpy as lbn
from lossbook import torch as lbt

a = np.zeros(3)
lbn.huber(a, a, detla=1.0)
lbn.huber.grad(a, a, detla=1.0)
lbt.huber(a, a, detla=1.0)
lbt.HuberLoss(detla=1.0)
lbn.huber(a, a, reduction="average")
"""


def _mypy(tmp_path, text):
    path = tmp_path / "client.py"
    path.write_text(text)
    cmd = [sys.executable, "-m", "mypy", "--cache-dir", str(ROOT / ".mypy_cache"), "--no-error-summary", str(path)]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)


def test_every_loss_and_module_type_checks(tmp_path):
    result = _mypy(tmp_path, _client())
    assert result.returncode == 0, result.stdout + result.stderr


def test_misspelt_keywords_are_type_errors(tmp_path):
    result = _mypy(tmp_path, MISSPELT)
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert [int(line.split(":")[1]) for line in errors] == [6, 7, 8, 9, 10], result.stdout
    assert all('"detla"' in line for line in errors[:4]), errors
    assert "'average'" in errors[4] and "'mean', 'sum', 'none'" in errors[4], errors
