# lossbook: `make book` builds the site, `make test` runs every check. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: book test execute lab bench accuracy clean

book: $(VENV)/.installed
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "The book is at $(CURDIR)/_build/html/index.html"

test: $(VENV)/.installed
	$(BIN)/python -m pytest

# Re-execute every notebook in place after editing one (the book and nbval use the committed outputs).
execute: $(VENV)/.installed
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace book/*.ipynb

lab: $(VENV)/.installed
	$(BIN)/jupyter lab book/

bench: $(VENV)/.installed
	$(BIN)/python -m lossbook.bench

accuracy: $(VENV)/.installed
	$(BIN)/python -m lossbook.accuracy

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt
	$(BIN)/python -m pip install --no-deps -e .
	touch $@

clean:
	rm -rf _build
