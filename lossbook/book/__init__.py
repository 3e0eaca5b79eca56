"""The book's tooling, kept apart from the loss library: what the chapters share, and how the library is measured.

- :mod:`lossbook.book.data`: small synthetic data sets, each generated from a seed.
- :mod:`lossbook.book.datasets`: real data sets bundled with scikit-learn, for the labs (nothing downloads).
- :mod:`lossbook.book.plotting`: the figures the chapters share (matplotlib, imported on first use).
- :mod:`lossbook.book.training`: tiny training loops for the chapters' experiments, and the labs' minibatch loop.
- :mod:`lossbook.book.tables`: Markdown tables that the chapters generate from the catalog and from measurements.
- :mod:`lossbook.book.properties`: the catalog's four properties, measured on random inputs for every loss.
- :mod:`lossbook.book.exercises`: self-checks the learner runs on their own answers, one module per chapter.
- :mod:`lossbook.book.editions`: the student copies of the notebooks, without the solutions.
- :mod:`lossbook.book.interactive`: figures with a slider that work on the static website (Plotly, no kernel).
- :mod:`lossbook.book.accuracy`: the mpmath oracle and the ULP report (``python -m lossbook.book.accuracy``).
- :mod:`lossbook.book.bench`: speed and memory against PyTorch's built-ins (``python -m lossbook.book.bench``).

Nothing here is needed to use the losses; ``import lossbook`` does not import this package.
"""
