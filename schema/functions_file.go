package schema

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"unicode/utf8"
	"unsafe"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// fileFunctions read files with paths relative to baseDir; csvdecode is
// among them because it names the file a text came from (csvsource.go).
func fileFunctions(baseDir string) map[string]function.Function {
	sources := sourcesOf(baseDir)
	fileTextRemembered := func(path string, b []byte) (string, error) {
		s, err := fileText(path, b)
		if err == nil {
			sources.remember(displayPath(resolvePath(baseDir, path)), s)
		}
		return s, err
	}
	return map[string]function.Function{
		"csvdecode":  csvDecodeFunc(sources),
		"file":       fileContentFunc(baseDir, "Reads the file at path as UTF-8 text.", fileTextRemembered),
		"filebase64": fileContentFunc(baseDir, "Reads the file at path and returns its bytes Base64-encoded.", fileBase64),
		"filesha256": fileContentFunc(baseDir, "Returns the SHA-256 digest of the file at path, hex-encoded.", fileSHA256),
		"fileexists": fileExistsFunc(baseDir),
		"fileset":    fileSetFunc(baseDir),
	}
}

// fileContentFunc makes a function that reads a file and turns its bytes
// into a string.
func fileContentFunc(baseDir, desc string, f func(path string, b []byte) (string, error)) function.Function {
	return function.New(&function.Spec{
		Description:  desc,
		Params:       []function.Parameter{{Name: "path", Type: cty.String}},
		Type:         function.StaticReturnType(cty.String),
		RefineResult: refineNotNull,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			path := args[0].AsString()
			b, err := readConfigFile(baseDir, path)
			if err == nil {
				var s string
				if s, err = f(path, b); err == nil {
					return cty.StringVal(s), nil
				}
			}
			return cty.UnknownVal(cty.String), function.NewArgError(0, err)
		},
	})
}

// fileText is the text of a file's bytes b, which it takes over: the
// string shares them (a batch's CSV of a million rows is 70 MB, which a
// copy would double while the state loads), so nothing may modify them
// afterwards. Its callers pass the bytes readConfigFile has just read.
func fileText(path string, b []byte) (string, error) {
	if !utf8.Valid(b) {
		return "", fmt.Errorf("the contents of %s are not valid UTF-8 text; use filebase64 to read binary files", path)
	}
	return unsafe.String(unsafe.SliceData(b), len(b)), nil
}

func fileBase64(_ string, b []byte) (string, error) {
	return base64.StdEncoding.EncodeToString(b), nil
}

func fileSHA256(_ string, b []byte) (string, error) {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// fileExistsFunc reports whether a regular file exists at path.
func fileExistsFunc(baseDir string) function.Function {
	return function.New(&function.Spec{
		Description:  "Reports whether a file exists at path.",
		Params:       []function.Parameter{{Name: "path", Type: cty.String}},
		Type:         function.StaticReturnType(cty.Bool),
		RefineResult: refineNotNull,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			path := args[0].AsString()
			info, err := os.Stat(resolvePath(baseDir, path))
			switch {
			case errors.Is(err, fs.ErrNotExist):
				return cty.False, nil
			case err != nil:
				return cty.UnknownVal(cty.Bool), function.NewArgErrorf(0, "cannot inspect %s: %s", path, err)
			case !info.Mode().IsRegular():
				return cty.UnknownVal(cty.Bool), function.NewArgErrorf(0, "%s exists but is not a regular file", path)
			}
			return cty.True, nil
		},
	})
}

// resolvePath makes a relative path relative to baseDir.
func resolvePath(baseDir, path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(baseDir, path)
}

// readConfigFile reads a file named in the configuration, with an error a
// user can act on.
// Only a regular file is read: a folder, a device (/dev/zero, whose reading
// never ends) or a named pipe is refused before any byte is read.
func readConfigFile(baseDir, path string) ([]byte, error) {
	full := resolvePath(baseDir, path)
	info, err := os.Stat(full)
	if err == nil && !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file: give the path of a file, not a folder or a device", path)
	}
	var b []byte
	if err == nil {
		b, err = os.ReadFile(full)
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		dir := baseDir
		if dir == "" || dir == "." {
			dir = "the configuration directory"
		}
		return nil, fmt.Errorf("no file named %q in %s", path, dir)
	case err != nil:
		return nil, fmt.Errorf("cannot read %s: %v", path, pathErrorCause(err))
	}
	return b, nil
}

// pathErrorCause drops the path from an *fs.PathError, which the message
// names already ("cannot read x: read x: ..." otherwise).
func pathErrorCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// fileSetFunc lists the regular files under path (relative to baseDir)
// that match pattern (*, **, ?, [...], {a,b}), as paths relative to path
// with forward slashes.
func fileSetFunc(baseDir string) function.Function {
	return function.New(&function.Spec{
		Description: "Returns the set of the names of the regular files under path that match pattern.",
		Params: []function.Parameter{
			{Name: "path", Type: cty.String},
			{Name: "pattern", Type: cty.String},
		},
		Type:         function.StaticReturnType(cty.Set(cty.String)),
		RefineResult: refineNotNull,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			dir := resolvePath(baseDir, args[0].AsString())
			pattern := args[1].AsString()
			if !doublestar.ValidatePattern(pattern) {
				return cty.NilVal, function.NewArgErrorf(1, "%q is not a valid pattern: check its brackets and braces", pattern)
			}
			matches, err := doublestar.Glob(os.DirFS(dir), pattern, doublestar.WithFilesOnly(), doublestar.WithFailOnIOErrors())
			if err != nil {
				return cty.NilVal, function.NewArgErrorf(0, "cannot list %s: %s", args[0].AsString(), err)
			}
			if len(matches) == 0 {
				return cty.SetValEmpty(cty.String), nil
			}
			vals := make([]cty.Value, len(matches))
			for i, m := range matches {
				vals[i] = cty.StringVal(m)
			}
			return cty.SetVal(vals), nil
		},
	})
}
