//go:build !linux

package fsafe

import "os"

func pseudoFS(*os.File) (string, bool) { return "", false }
