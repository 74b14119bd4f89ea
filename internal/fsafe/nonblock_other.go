//go:build !unix

package fsafe

const nonblock = 0
