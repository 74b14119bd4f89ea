//go:build unix

package fsafe

import "syscall"

// nonblock keeps open(2) from waiting for a writer on a FIFO that was
// swapped in after the first stat.
const nonblock = syscall.O_NONBLOCK
