# Atelier — the two commands a newcomer needs:
#   make run    the app on the embedded demo catalog
#   make test   the whole test suite (what CI runs)
# Both install what is missing on Debian/Ubuntu first.

GO       ?= go
BIN      := bin
VERSION  := $(shell sed -n 's/^ *Version *= *"\(.*\)"/\1/p' FyneApp.toml)
LDFLAGS  := -X main.version=$(VERSION)
FUZZTIME ?= 4
FYNE     := $(GO) tool -modfile=tools/go.mod fyne

.PHONY: run test deps-run deps-test build cli fmt-check vet staticcheck imports \
        race app-norace norace fuzz smoke screenshots package windows deps-windows windows-smoke windows-tests clean

run: deps-run
	$(GO) run -ldflags "$(LDFLAGS)" .

test: deps-test fmt-check vet staticcheck imports cli race app-norace norace fuzz smoke windows-smoke windows-tests
	@echo "make test: all checks passed"

deps-run:
	@.ci/deps.sh run

deps-test:
	@.ci/deps.sh test

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/atelier .

# The CLI must build without cgo: it runs on servers and in pipelines.
cli:
	CGO_ENABLED=0 $(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/atelierctl ./cmd/atelierctl

fmt-check:
	@out=$$(gofmt -l $$(git ls-files --cached --others --exclude-standard -- '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) tool staticcheck ./...

# The domain packages never depend on Fyne (ARCHITECTURE.md).
imports:
	@bad=$$($(GO) list -deps $$(for d in catalog render storage; do [ -d $$d ] && echo ./$$d/...; done) | grep '^fyne.io/' || true); \
	if [ -n "$$bad" ]; then echo "catalog/render/storage depend on Fyne:"; echo "$$bad"; exit 1; fi; \
	echo "imports: catalog, render and storage are free of fyne.io"

# The shop tests start their own PostgreSQL (internal/pgtest), the
# transport tests their own sshd (internal/sshtest); here they fail rather
# than skip when it cannot be started.
race:
	ATELIER_REQUIRE_POSTGRES=1 ATELIER_REQUIRE_SSHD=1 $(GO) test -race ./...

# The app's tests that cannot run under the race detector (fyne's test
# driver shares its font cache between goroutines there; see
# main_library_test.go).
app-norace:
	$(GO) test -run 'TestTheAppLeavesALibraryThatIsNotAteliersAsItIs' .

# The long kill-and-crash loops and the two-process intake of 1,000
# packages, in full: under the race detector (make race) they run a few
# rounds only (internal/racecheck), enough to catch a data race, since the
# detector makes them some ten times slower.
norace:
	ATELIER_REQUIRE_POSTGRES=1 $(GO) test -count=1 -run '^(TestCrashWhileSaving|TestKilledBackupsAndRestoresLeaveNothing|TestTwoProcessesOneKilled)$$' \
		./storage/ ./storage/orderfile/intake/

fuzz:
	@.ci/fuzz.sh $(FUZZTIME)

# The smoke test runs the race-enabled build: it reuses what `go test -race`
# compiled (Fyne's cgo parts take minutes on a cold cache) and it would catch
# a data race in the real app's start-up.
smoke:
	$(GO) build -race -ldflags "$(LDFLAGS)" -o $(BIN)/atelier-race .
	@.ci/smoke.sh $(BIN)/atelier-race $(BIN)/smoke.png

# PNGs of every main screen, from the real app under Xvfb, into
# docs/screenshots/ (the README shows some of them).
screenshots: deps-test
	@.ci/screenshots.sh docs/screenshots

# The Windows installer, cross-built: bin/Atelier-$(VERSION)-setup.exe
# (see .ci/windows.sh and packaging/windows/atelier.nsi).
windows: deps-windows
	@.ci/windows.sh

deps-windows:
	@.ci/deps.sh windows

# The installer under Wine: silent install, the app's window, a CLI round
# trip, silent uninstall (.ci/wine-smoke.sh).
windows-smoke: windows
	@.ci/wine-smoke.sh

# The tests of every cgo-free package, built for Windows and run under Wine
# (.ci/windows-tests.sh).
windows-tests: deps-test
	@.ci/windows-tests.sh

# An installable archive for Linux (Atelier.tar.xz with a desktop file and icon).
package:
	$(FYNE) package -os linux --release

clean:
	rm -rf $(BIN) Atelier.tar.xz
