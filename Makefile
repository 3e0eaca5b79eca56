# lossbook: `make book` builds the site (both editions), `make test` runs every check. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: book test execute lab bench accuracy student-notebooks clean

# Two editions of the book, each a full build (--all: warnings from every page, every time), zero warnings allowed.
# The student edition (_ext/lossbook_site.py) leaves out the solutions, the notebooks' sources and the launch buttons.
# Each build also writes the chapters' slide decks into its slides/ folder (_ext/lossbook_slides.py).
BUILD := $(BIN)/jupyter-book build . -W -n --keep-going --all

book: $(VENV)/.installed
	LOSSBOOK_EDITION=teacher $(BUILD)
	LOSSBOOK_EDITION=student $(BUILD) --path-output _build/student
	@echo "The book, with solutions:   $(CURDIR)/_build/html/index.html"
	@echo "Student edition, without:   $(CURDIR)/_build/student/_build/html/index.html"
	@echo "Slides, one deck a chapter: $(CURDIR)/_build/html/slides/index.html"

test: $(VENV)/.installed
	$(BIN)/python -m pytest

# Re-execute every notebook in place after editing one (the book and nbval use the committed outputs).
execute: $(VENV)/.installed
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace book/*.ipynb

# The notebooks without the solutions of the exercises, for a teacher to hand out (see book/teaching).
student-notebooks: $(VENV)/.installed
	$(BIN)/python -m lossbook.book.editions --book book --out _build/student/notebooks

lab: $(VENV)/.installed
	$(BIN)/jupyter lab book/

bench: $(VENV)/.installed
	$(BIN)/python -m lossbook.book.bench

accuracy: $(VENV)/.installed
	$(BIN)/python -m lossbook.book.accuracy

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -r requirements.txt
	$(BIN)/python -m pip install --no-deps -e .
	touch $@

clean:
	rm -rf _build
