package provider

import (
	"strconv"
	"strings"
)

// amount reads a money amount that providers send as a JSON number or as
// a decimal string ("110.00"); nil when it is neither.
func amount(v any) *float64 {
	switch x := v.(type) {
	case float64:
		return &x
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return nil
		}
		return &f
	}
	return nil
}
