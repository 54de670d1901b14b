package command

import (
	"bufio"
	"errors"
	"io"
	"os"
	"path/filepath"
)

// writeFilePrivate writes a file readable only by its owner, atomically:
// a temporary file in the same folder, synced, then renamed over path.
func writeFilePrivate(path string, data []byte) error {
	return writeFilePrivateWith(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeError is an error of the function that writes a file's content
// (writeFilePrivateWith), as opposed to the file's own.
type writeError struct{ err error }

func (e writeError) Error() string { return e.err.Error() }

// writeFilePrivateWith is writeFilePrivate of the content write writes,
// streamed through a buffer to the temporary file. An error of write is
// returned as a writeError (unless it is the temporary file's own, an
// *os.PathError passed through the buffer), and the file at path is left
// as it was.
func writeFilePrivateWith(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	bw := bufio.NewWriterSize(tmp, 64<<10)
	if err := write(bw); err != nil {
		tmp.Close()
		var werr writeError
		if errors.As(err, &werr) {
			return err
		}
		if _, ok := err.(*os.PathError); ok {
			return err
		}
		return writeError{err}
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
