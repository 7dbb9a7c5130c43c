// Not under the race detector: with fyne's test driver (without the
// migrated_fynedo tag) fyne.Do runs on the calling goroutine, so the
// Designer that NewDesigner makes updates its widgets on its engine's
// goroutine while this test shows the library's dialog on its own, and the
// detector reports the two touching Fyne's font cache. The app itself runs
// both on the main goroutine; the ui package's tests avoid this with a
// queue of their own that main cannot reach. storage's tests prove the
// refusal under -race (TestOpenRefusesWhatIsNotAtelier).

//go:build !race

package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/atelier-app/atelier/assets"
	"github.com/atelier-app/atelier/storage"
	"github.com/atelier-app/atelier/ui"
)

// texts collects the words a dialog shows.
func texts(o fyne.CanvasObject) string {
	var out []string
	for _, c := range test.LaidOutObjects(o) {
		switch w := c.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *widget.RichText:
			out = append(out, w.String())
		}
	}
	return strings.Join(out, "\n")
}

// At start, a library whose schema another program changed (issue 12: a
// trigger that deleted every design at the next customer added) is not
// opened: the user is told, designs cannot be saved, and the file is left
// exactly as it was.
func TestTheAppLeavesALibraryThatIsNotAteliersAsItIs(t *testing.T) {
	test.NewTempApp(t)
	demo, err := assets.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	d := ui.NewDesigner(demo, "en")
	w := test.NewTempWindow(t, d.Content())
	d.SetWindow(w)
	path := filepath.Join(t.TempDir(), "atelier.db")
	db, err := storage.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`CREATE TRIGGER wipe AFTER INSERT ON customers BEGIN DELETE FROM designs; END`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	lib := &library{path: path, src: catalogSource{cat: demo, data: assets.DemoCatalogJSON, kind: "json", sig: storage.Builtin}, d: d, w: w}
	lib.open()
	fyne.DoAndWait(func() {})

	if lib.db != nil {
		t.Error("the library was attached")
	}
	top := w.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no dialog")
	}
	if got, want := texts(top), "is not an Atelier design library, or another program has changed it"; !strings.Contains(got, want) || !strings.Contains(got, "trigger 'wipe'") {
		t.Errorf("the dialog says %q, want %q and the trigger's name", got, want)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, before) {
		t.Error("the library was changed")
	}
	for _, ext := range []string{"-wal", "-shm"} {
		if _, err := os.Stat(path + ext); err == nil {
			t.Errorf("a %s file was left beside the library", ext)
		}
	}
}
