"""Types of the public API, for editors and type checkers (the package ships ``py.typed``)."""

from __future__ import annotations

from typing import Any, Callable, Literal, ParamSpec, Protocol, TypeVar, cast

Reduction = Literal["mean", "sum", "none"]

P = ParamSpec("P")
R_co = TypeVar("R_co", covariant=True)


class LossFunction(Protocol[P, R_co]):
    """A NumPy loss as a type checker sees it: callable, with a ``.grad`` that takes the same arguments."""

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R_co: ...

    @property
    def grad(self) -> Callable[P, R_co]: ...


def loss_function(grad: Callable[P, R_co]) -> Callable[[Callable[P, R_co]], LossFunction[P, R_co]]:
    """Decorator of the generated NumPy losses: attaches ``grad`` (named ``<loss>.grad`` in error messages).

    At run time the loss stays a plain function with an attribute; the return type tells type checkers about the
    attribute and that ``grad`` has the loss's own signature.
    """

    def attach(fn: Callable[P, R_co]) -> LossFunction[P, R_co]:
        grad.__name__ = "grad"
        grad.__qualname__ = f"{fn.__name__}.grad"
        grad.__module__ = fn.__module__
        setattr(fn, "grad", grad)
        return cast(Any, fn)

    return attach
