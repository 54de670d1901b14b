package audit

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// tail is the end of an audit log file.
type tail struct {
	size int64
	// last is the last complete line without its newline, nil if none.
	last []byte
	// torn is what follows the last newline: a line a crash cut short.
	torn []byte
}

// readTail reads backwards from the end of f until it holds the last
// complete line, doubling its window; it never reads the whole log unless
// the log is one line long.
func readTail(f *os.File) (tail, error) {
	fi, err := f.Stat()
	if err != nil {
		return tail{}, err
	}
	t := tail{size: fi.Size()}
	for window := int64(4096); ; window *= 2 {
		window = min(window, t.size)
		buf := make([]byte, window)
		if _, err := f.ReadAt(buf, t.size-window); err != nil && err != io.EOF {
			return tail{}, fmt.Errorf("reading the audit log's end: %w", err)
		}
		if done := t.split(buf, window == t.size); done {
			return t, nil
		}
		if window > maxLineBytes*2 {
			return tail{}, fmt.Errorf("the audit log's last line is longer than %d bytes", maxLineBytes)
		}
	}
}

// split fills t from buf, the last bytes of the file, and reports whether
// buf was enough. whole says buf is the entire file.
func (t *tail) split(buf []byte, whole bool) bool {
	nl := bytes.LastIndexByte(buf, '\n')
	if nl < 0 {
		if whole {
			t.torn = buf
		}
		return whole
	}
	t.torn = buf[nl+1:]
	start := bytes.LastIndexByte(buf[:nl], '\n')
	if start < 0 && !whole {
		return false
	}
	t.last = buf[start+1 : nl]
	return true
}
