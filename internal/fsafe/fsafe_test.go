package fsafe

import (
	"bytes"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// readSoon runs ReadFile under a deadline so that a regression that blocks
// fails the test instead of hanging it.
func readSoon(t *testing.T, root, name string) ([]byte, error) {
	t.Helper()
	type res struct {
		data []byte
		err  error
	}
	ch := make(chan res, 1)
	go func() {
		d, err := ReadFile(root, name)
		ch <- res{d, err}
	}()
	select {
	case r := <-ch:
		return r.data, r.err
	case <-time.After(10 * time.Second):
		t.Fatalf("ReadFile(%s, %s) blocked", root, name)
		return nil, nil
	}
}

func write(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

func wantRefused(t *testing.T, err error, reason error, name, detail string) {
	t.Helper()
	e, ok := Refused(err)
	if !ok {
		t.Fatalf("err = %v (%T), want a refusal", err, err)
	}
	if !errors.Is(err, reason) {
		t.Errorf("reason = %v, want %v", e.Reason, reason)
	}
	if e.Path != name || !strings.Contains(e.Error(), name) {
		t.Errorf("error %q does not name %s", e.Error(), name)
	}
	if !strings.Contains(e.Detail, detail) {
		t.Errorf("detail %q, want it to mention %q", e.Detail, detail)
	}
	if e.Fix == "" {
		t.Error("refusal without a fix")
	}
}

func TestReadFileRegular(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "deploy", "config.yaml"), "model_list: []\n")
	if err := os.Symlink("deploy/config.yaml", filepath.Join(root, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"deploy/config.yaml", filepath.Join(root, "deploy", "config.yaml"), "link.yaml", "deploy/../link.yaml"} {
		data, err := readSoon(t, root, name)
		if err != nil || string(data) != "model_list: []\n" {
			t.Errorf("ReadFile(%s) = %q, %v", name, data, err)
		}
	}
}

func TestReadFileMissing(t *testing.T) {
	root := t.TempDir()
	_, err := readSoon(t, root, "nope.yml")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("err = %v, want fs.ErrNotExist", err)
	}
	if _, ok := Refused(err); ok {
		t.Error("a missing file is not a refusal")
	}
}

func TestReadFileOutside(t *testing.T) {
	outside := t.TempDir()
	const secret = "ghs_16C7e42F292c6912E7710c838347Ae178B4a"
	write(t, filepath.Join(outside, "token"), secret)
	root := t.TempDir()
	if err := os.Symlink(filepath.Join(outside, "token"), filepath.Join(root, "abs.yaml")); err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(root, filepath.Join(outside, "token"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(rel, filepath.Join(root, "rel.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "dir")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"abs.yaml", "rel.yaml", "dir/token", "../" + filepath.Base(outside) + "/token", filepath.Join(outside, "token")} {
		data, err := readSoon(t, root, name)
		wantRefused(t, err, ErrOutside, name, "outside the workspace")
		if data != nil || strings.Contains(err.Error(), secret[:12]) {
			t.Errorf("%s: the refusal carries content: %q %v", name, data, err)
		}
	}
}

func TestReadFileNotRegular(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs")
	}
	root := t.TempDir()
	fifo := filepath.Join(root, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("fifo", filepath.Join(root, "hopcheck.yml")); err != nil {
		t.Fatal(err)
	}
	_, err := readSoon(t, root, "hopcheck.yml")
	wantRefused(t, err, ErrNotRegular, "hopcheck.yml", "named pipe")
	_, err = readSoon(t, root, "fifo")
	wantRefused(t, err, ErrNotRegular, "fifo", "named pipe")

	if err := os.Mkdir(filepath.Join(root, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err = readSoon(t, root, "d")
	wantRefused(t, err, ErrNotRegular, "d", "directory")

	sock := filepath.Join(root, "s")
	l, err := net.Listen("unix", sock)
	if err == nil {
		defer l.Close()
		_, err = readSoon(t, root, "s")
		wantRefused(t, err, ErrNotRegular, "s", "socket")
	}
}

func TestReadFileProcAndDevices(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("Linux /proc and /dev")
	}
	root := t.TempDir()
	for name, target := range map[string]string{"stdout.yml": "/proc/self/fd/1", "environ.yml": "/proc/self/environ", "null.yml": "/dev/null", "zero.yml": "/dev/zero"} {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
		_, err := readSoon(t, root, name)
		wantRefused(t, err, ErrOutside, name, "outside the workspace")
	}
	// A workspace at / reaches /proc and /dev without any link.
	_, err := readSoon(t, "/", "/proc/self/environ")
	wantRefused(t, err, ErrNotRegular, "/proc/self/environ", "/proc entry")
	_, err = readSoon(t, "/", "/dev/zero")
	wantRefused(t, err, ErrNotRegular, "/dev/zero", "character device")
}

func TestReadFileSize(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "max"), strings.Repeat("x", MaxSize))
	write(t, filepath.Join(root, "big"), strings.Repeat("x", MaxSize+1))
	if data, err := readSoon(t, root, "max"); err != nil || len(data) != MaxSize {
		t.Errorf("1 MiB file: %d bytes, %v", len(data), err)
	}
	_, err := readSoon(t, root, "big")
	wantRefused(t, err, ErrTooLarge, "big", "larger than 1 MiB")
	if bytes.Contains([]byte(err.Error()), []byte("xxxx")) {
		t.Error("refusal quotes the file")
	}
}
