# The two commands of the README: `make run` and `make test`. Both set up what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install translations extract-messages update-translations

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

install: $(STAMP)

translations: $(STAMP)
	$(BIN)/pybabel compile -d translations --statistics

## Run the portal on SQLite in instance/, with the demo catalogue loaded on first start.
run: translations
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app demo-data --if-empty
	@echo "Cost estimates show VND once a manager records an exchange rate (with its date and source) at http://$(HOST):$(PORT)/staff/catalogue/exchange-rate"
	$(BIN)/flask --app app run --host $(HOST) --port $(PORT)

## Run the whole test suite (HTTP, migrations, translations, browser and accessibility tests).
test: translations
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)
	@command -v dovecot >/dev/null || test -x /usr/sbin/dovecot || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null)
	@fc-list :lang=ja family 2>/dev/null | grep -q "Noto Sans CJK JP" || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk fontconfig >/dev/null)
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest $(PYTEST_ARGS)

## Translation workflow: extract new strings, merge them into every catalogue, then translate and compile.
extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--project "Invest Portal" -o translations/messages.pot .

update-translations: extract-messages
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-wrap --no-fuzzy-matching --ignore-obsolete
