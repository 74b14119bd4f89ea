// Package fsafe reads the files hopcheck takes from a repository:
// hopcheck.yml, the LiteLLM and OpenClaw configs it names or discovers, and
// .env files. Whoever opens a pull request may have written any of them,
// so a file is read only when it is a regular file inside the workspace
// once every symbolic link is resolved, and only up to MaxSize bytes.
//
// Nothing here blocks: a named pipe, device or socket is refused from its
// metadata before it is opened, the open itself is non-blocking, and the
// opened descriptor is checked again so that a file swapped in between
// cannot slip through. Symbolic links are resolved by os.Root, which
// refuses any link that leads out of the workspace (or is absolute).
//
// A refusal is an *Error that names the file, says why and how to fix it,
// and never carries any of the file's content.
package fsafe

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// MaxSize is the largest file ReadFile returns (1 MiB). hopcheck's inputs
// describe a few chains; anything larger is refused unread.
const MaxSize = 1 << 20

// Reasons a file is refused; an *Error unwraps to one of them.
var (
	ErrOutside    = errors.New("outside the workspace")
	ErrNotRegular = errors.New("not a regular file")
	ErrTooLarge   = errors.New("larger than 1 MiB")
	ErrChanged    = errors.New("changed while it was opened")
)

// Error is a file ReadFile refused to read.
type Error struct {
	// Path is the file as the caller named it.
	Path string
	// Reason is ErrOutside, ErrNotRegular, ErrTooLarge or ErrChanged.
	Reason error
	// Detail says what the file is ("a named pipe (FIFO)", …).
	Detail string
	// Fix is one sentence saying what to change.
	Fix string
}

func (e *Error) Error() string { return e.Path + ": refused: " + e.Detail }

func (e *Error) Unwrap() error { return e.Reason }

// Refused returns the refusal behind err, if err is one (as opposed to a
// missing file or an I/O error).
func Refused(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

const fixInside = "keep the file inside the repository as a regular file (a symbolic link must be relative and stay inside the repository)"

// ReadFile reads the regular file name inside the workspace directory root
// ("" means the current directory). A relative name is relative to root;
// an absolute one must lie under root. Errors: *Error for a refused file,
// an error wrapping fs.ErrNotExist for a missing one, else the I/O error.
func ReadFile(root, name string) ([]byte, error) {
	if root == "" {
		root = "."
	}
	rel, ok := within(root, name)
	if !ok {
		return nil, &Error{Path: name, Reason: ErrOutside,
			Detail: fmt.Sprintf("it is outside the workspace %s", root), Fix: fixInside}
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, fmt.Errorf("opening the workspace %s: %w", root, err)
	}
	defer r.Close()
	// Stat first, so that a FIFO or device is never opened at all (opening
	// some devices has side effects; opening a FIFO blocks).
	before, err := r.Stat(rel)
	if err != nil {
		return nil, rootError(name, root, err)
	}
	if err := regular(name, before); err != nil {
		return nil, err
	}
	if before.Size() > MaxSize {
		return nil, tooLarge(name)
	}
	f, err := r.OpenFile(rel, os.O_RDONLY|nonblock, 0)
	if err != nil {
		return nil, rootError(name, root, err)
	}
	defer f.Close()
	after, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := regular(name, after); err != nil {
		return nil, err
	}
	if !os.SameFile(before, after) {
		return nil, &Error{Path: name, Reason: ErrChanged, Detail: "it was replaced while hopcheck opened it",
			Fix: "do not modify the repository while hopcheck runs"}
	}
	if kind, ok := pseudoFS(f); ok {
		return nil, &Error{Path: name, Reason: ErrNotRegular,
			Detail: fmt.Sprintf("it is a %s entry, not a regular file", kind), Fix: fixInside}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if len(data) > MaxSize {
		return nil, tooLarge(name)
	}
	return data, nil
}

func tooLarge(name string) *Error {
	return &Error{Path: name, Reason: ErrTooLarge, Detail: "it is larger than 1 MiB",
		Fix: "check that the right file is named; hopcheck reads configuration files of at most 1 MiB"}
}

// within returns name relative to root when it lies under root. An
// absolute name is compared with root lexically, then with both resolved
// (the same directory may be reached through a symbolic link, e.g.
// /tmp → /private/tmp); symbolic links inside root are left to os.Root.
func within(root, name string) (string, bool) {
	if !filepath.IsAbs(name) {
		rel := filepath.Clean(name)
		return rel, filepath.IsLocal(rel) || rel == "."
	}
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return "", false
	}
	if rel, err := filepath.Rel(absRoot, name); err == nil && filepath.IsLocal(rel) {
		return rel, true
	}
	realRoot, err1 := filepath.EvalSymlinks(absRoot)
	realDir, err2 := filepath.EvalSymlinks(filepath.Dir(name))
	if err1 != nil || err2 != nil {
		return "", false
	}
	if rel, err := filepath.Rel(realRoot, filepath.Join(realDir, filepath.Base(name))); err == nil && filepath.IsLocal(rel) {
		return rel, true
	}
	return "", false
}

// rootError turns an os.Root error into a refusal when a symbolic link led
// out of the workspace; other errors (a missing file) pass through.
func rootError(name, root string, err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		return err
	}
	var pe *fs.PathError
	// os.Root reports an escaping link with an unexported error whose text
	// is pinned by the standard library's own tests.
	if errors.As(err, &pe) && pe.Err.Error() == "path escapes from parent" {
		return &Error{Path: name, Reason: ErrOutside,
			Detail: fmt.Sprintf("it is a symbolic link that leads outside the workspace %s (or is absolute)", root), Fix: fixInside}
	}
	return err
}

// regular refuses everything but a regular file, naming what it is.
func regular(name string, fi fs.FileInfo) error {
	m := fi.Mode()
	if m.IsRegular() {
		return nil
	}
	what := "not a regular file"
	switch {
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeCharDevice != 0:
		what = "a character device"
	case m&fs.ModeDevice != 0:
		what = "a device"
	case m&fs.ModeSymlink != 0:
		what = "a symbolic link"
	}
	return &Error{Path: name, Reason: ErrNotRegular, Detail: fmt.Sprintf("it is %s, not a regular file", what),
		Fix: "point hopcheck at a regular file inside the repository"}
}
