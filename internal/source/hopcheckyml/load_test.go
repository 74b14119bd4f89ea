package hopcheckyml

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/hopcheck/hopcheck/internal/chain"
)

func TestLoadRefusesWhatIsNotARegularFileInTheWorkspace(t *testing.T) {
	const token = "ghs_16C7e42F292c6912E7710c838347Ae178B4a"
	outside := filepath.Join(t.TempDir(), "secret.yml")
	if err := os.WriteFile(outside, []byte("version: "+token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"fifo.yml": "fifo", "out.yml": outside, "stdout.yml": "/proc/self/fd/1"} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ name, want string }{
		{"fifo.yml", "named pipe"},
		{"out.yml", "outside the workspace"},
		{"stdout.yml", "outside the workspace"},
		{outside, "outside the workspace"},
	} {
		path := c.name
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		_, err := Load(dir, path)
		var ces *chain.ConfigErrors
		if !errors.As(err, &ces) {
			t.Fatalf("%s: err = %v, want *chain.ConfigErrors", c.name, err)
		}
		msg := err.Error()
		if !strings.Contains(msg, path) || !strings.Contains(msg, c.want) || !strings.Contains(msg, "fix:") {
			t.Errorf("%s: %q does not name the file, %q and a fix", c.name, msg, c.want)
		}
		if strings.Contains(msg, token[:12]) {
			t.Errorf("%s: the error quotes the file: %s", c.name, msg)
		}
	}
}
