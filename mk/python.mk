# Python binding (bindings/python: package "pnng", pure Python over ctypes). Included by the top-level Makefile.
#   setup-python   create .venv (python3 -m venv) and install pnng (editable) plus the pinned test tools
#   test-python    pytest over bindings/python/tests against the release build (prints pytest's summary)

PY_DIR := bindings/python
PY_VENV := $(CURDIR)/.venv
PY := $(PY_VENV)/bin/python
PY_TEST_DEPS := mypy==1.15.0 ruff==0.11.6 pytest==8.3.5 pytest-asyncio==0.24.0 pytest-trio==0.8.0 trio==0.29.0 sniffio==1.3.1 curio==1.6
# Rewritten whenever the package metadata or the pinned tools change, so setup reruns only then.
PY_STAMP := $(PY_VENV)/.pnng-python-setup

.PHONY: setup-python test-python lint-python

setup-python: $(PY_STAMP)

$(PY_STAMP): $(PY_DIR)/pyproject.toml mk/python.mk
	[ -x $(PY) ] || python3 -m venv $(PY_VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check $(PY_TEST_DEPS)
	$(PY) -m pip install --quiet --disable-pip-version-check -e $(PY_DIR)
	touch $@

test-python: $(PY_STAMP)
	PNNG_LIBRARY=$(CURDIR)/target/release/libpnng.so timeout 170 $(PY) -m pytest $(PY_DIR)/tests -q -p no:cacheprovider

# mypy (strict) and ruff over the package; the tests are linted by ruff only.
lint-python: $(PY_STAMP)
	cd $(PY_DIR) && $(PY) -m ruff check pnng tests && $(PY) -m ruff format --check pnng
	cd $(PY_DIR) && $(PY) -m mypy --strict pnng
