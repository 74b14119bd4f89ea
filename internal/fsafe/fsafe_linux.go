package fsafe

import (
	"os"
	"syscall"
)

// Magic numbers of the Linux pseudo file systems whose "regular" files are
// views of the kernel or of other processes (statfs(2)).
var pseudoMagic = map[uint32]string{
	0x9fa0:     "/proc",
	0x62656572: "/sys",
	0x64626720: "debugfs",
	0x74726163: "tracefs",
	0x73636673: "securityfs",
	0xcafe4a11: "bpf",
	0x27e0eb:   "cgroup",
	0x63677270: "cgroup2",
	0xde5e81e4: "efivarfs",
}

// pseudoFS reports whether f lives on a kernel pseudo file system (a
// workspace at / would otherwise reach /proc/self/environ).
func pseudoFS(f *os.File) (string, bool) {
	rc, err := f.SyscallConn()
	if err != nil {
		return "", false
	}
	var st syscall.Statfs_t
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = syscall.Fstatfs(int(fd), &st) }); err != nil || serr != nil {
		return "", false
	}
	kind, ok := pseudoMagic[uint32(st.Type)]
	return kind, ok
}
