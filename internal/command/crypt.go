package command

import (
	"errors"
	"strings"

	"github.com/daftar-dev/daftar/internal/crypt"
	"github.com/daftar-dev/daftar/schema"
	"github.com/daftar-dev/daftar/state"
)

// cryptChoice is the state encryption a command runs with, resolved once:
// the state, the plan files it reads and writes share one Cipher, so the
// key is derived once per command.
type cryptChoice struct {
	cipher *crypt.Cipher // nil: no encryption
}

// errShown says the problem was already printed (as diagnostics).
var errShown = errors.New("the problems above")

// stateCipher returns the cipher of the state encryption settings, nil
// when none is set: DAFTAR_STATE_PASSPHRASE, else the passphrase of the
// configuration's daftar { encryption } block.
func (m *Meta) stateCipher() (*crypt.Cipher, error) {
	if m.crypt != nil {
		return m.crypt.cipher, nil
	}
	passphrase, err := m.statePassphrase()
	if err != nil {
		return nil, err
	}
	choice := &cryptChoice{}
	if passphrase != "" {
		if choice.cipher, err = crypt.New(passphrase, crypt.Params{}); err != nil {
			return nil, err
		}
	}
	m.crypt = choice
	return choice.cipher, nil
}

// statePassphrase finds the passphrase; "" when none is set. Commands that
// have not loaded the configuration (show, output, state) look for the
// encryption block themselves, with the variables' defaults and
// DAFTAR_VAR_ values.
func (m *Meta) statePassphrase() (string, error) {
	if v := lookupEnv(m.Environ, crypt.PassphraseEnv); v != "" {
		return v, nil
	}
	cfg := m.Config
	if cfg == nil {
		cfg, _ = schema.Load(m.Dir) // a broken configuration is reported by the commands that need it
	}
	if cfg == nil || cfg.Settings == nil || cfg.Settings.Encryption == nil {
		return "", nil
	}
	vars := m.Vars
	if vars == nil {
		vars, _ = cfg.ResolveVariables(nil, m.Environ)
	}
	passphrase, diags := cfg.StatePassphrase(vars)
	if diags.HasErrors() {
		if m.Config == nil {
			m.Config = cfg // for the diagnostics' source snippets
		}
		m.showDiags(diags)
		return "", errShown
	}
	return passphrase, nil
}

// lookupEnv returns the value of name in environ ("" when unset).
func lookupEnv(environ []string, name string) string {
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v
		}
	}
	return ""
}

// stateOptions are the local backend's options for the encryption
// settings. It prints why it fails.
func (m *Meta) stateOptions() (state.LocalOptions, bool) {
	c, err := m.stateCipher()
	if errors.Is(err, errShown) {
		return state.LocalOptions{}, false
	}
	if err != nil {
		m.errorf("%s", err)
		return state.LocalOptions{}, false
	}
	if c == nil {
		return state.LocalOptions{}, true
	}
	return state.LocalOptions{Cipher: c}, true
}
