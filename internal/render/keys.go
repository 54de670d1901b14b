package render

import "github.com/daftar-dev/daftar/internal/addrs"

// keyValue is an instance key as a JSON value: a number or a string.
func keyValue(k addrs.Key) any {
	switch k := k.(type) {
	case addrs.IntKey:
		return int(k)
	case addrs.StringKey:
		return string(k)
	}
	return nil
}

// KeyValue is an instance key as a JSON value, for the -json event
// streams: a number or a string.
func KeyValue(k addrs.Key) any { return keyValue(k) }
