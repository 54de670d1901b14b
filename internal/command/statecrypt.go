package command

import (
	"context"
	"errors"
	"fmt"

	"github.com/daftar-dev/daftar/internal/crypt"
	"github.com/daftar-dev/daftar/state"
)

// A migration between encryption settings: from is how the state is read,
// to how it is written.
type migration struct {
	name     string // "encrypt", "decrypt", "rekey"
	from, to state.Cipher
	done     string // what to tell the user afterwards
}

// runStateEncrypt encrypts a plaintext state with the passphrase set.
func runStateEncrypt(m *Meta, args []string) int {
	return m.runMigration(args, func() (*migration, error) {
		c, err := m.stateCipher()
		if err != nil || c == nil {
			return nil, orNoPassphrase(err, "to encrypt the state, set %s to a passphrase (at least %d characters), or give one in the daftar { encryption } block", crypt.PassphraseEnv, crypt.MinPassphraseLen)
		}
		return &migration{name: "encrypt", to: c,
			done: "The state and its backup are now encrypted. Keep the passphrase safe: without it the state cannot be read. Plan files saved before are not encrypted: delete them and plan again."}, nil
	})
}

// runStateDecrypt writes an encrypted state back in plaintext.
func runStateDecrypt(m *Meta, args []string) int {
	return m.runMigration(args, func() (*migration, error) {
		c, err := m.stateCipher()
		if err != nil || c == nil {
			return nil, orNoPassphrase(err, "to decrypt the state, set %s to the passphrase it is encrypted with", crypt.PassphraseEnv)
		}
		return &migration{name: "decrypt", from: c,
			done: fmt.Sprintf("The state and its backup are now in plaintext. Unset %s and remove the daftar { encryption } block: with a passphrase set, daftar refuses a plaintext state.", crypt.PassphraseEnv)}, nil
	})
}

// runStateRekey encrypts the state again under DAFTAR_NEW_STATE_PASSPHRASE.
func runStateRekey(m *Meta, args []string) int {
	return m.runMigration(args, func() (*migration, error) {
		c, err := m.stateCipher()
		if err != nil || c == nil {
			return nil, orNoPassphrase(err, "to change the passphrase, set %s to the current one and %s to the new one", crypt.PassphraseEnv, crypt.NewPassphraseEnv)
		}
		next := lookupEnv(m.Environ, crypt.NewPassphraseEnv)
		if next == "" {
			return nil, fmt.Errorf("set %s to the new passphrase (and %s to the current one)", crypt.NewPassphraseEnv, crypt.PassphraseEnv)
		}
		to, err := crypt.New(next, crypt.Params{})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", crypt.NewPassphraseEnv, err)
		}
		return &migration{name: "rekey", from: c, to: to,
			done: fmt.Sprintf("The state and its backup are now encrypted with the new passphrase. From now on set %s to it (and update the daftar { encryption } block's variable).", crypt.PassphraseEnv)}, nil
	})
}

func orNoPassphrase(err error, format string, args ...any) error {
	if err != nil {
		return err
	}
	return fmt.Errorf(format, args...)
}

// runMigration parses the flags, takes the lock, folds the journal into
// the snapshot, and rewrites the snapshot and its backup under the new
// settings. Nothing is written when the state cannot be read with the
// current ones.
func (m *Meta) runMigration(args []string, plan func() (*migration, error)) int {
	fs := newFlagSet(m, m.Command)
	statePath := fs.String("state", "", "the state file (default daftar.state.json)")
	lockTimeout := fs.Duration("lock-timeout", 0, "how long to wait for the state lock")
	if code, ok := parseFlags(m, fs, args); !ok {
		return code
	}
	defer m.close()
	if fs.NArg() > 0 {
		m.errorf("daftar %s takes no arguments", m.Command)
		return exitError
	}
	mig, err := plan()
	if err != nil {
		if !errors.Is(err, errShown) {
			m.errorf("%s", err)
		}
		return exitError
	}
	settings, ok := m.backendSettings()
	if !ok {
		return exitError
	}
	if settings.Type != backendLocal {
		m.errorf("daftar %s rewrites the local state files, and this configuration keeps its state in %s: its values are encrypted under the passphrase set when they are written", m.Command, settings)
		return exitError
	}
	if *statePath == "" {
		*statePath = settings.Path
	}
	b := state.NewLocal(*statePath, state.LocalOptions{Cipher: mig.from})
	m.defer_(func() { b.Close() })
	if !m.lock(b, *lockTimeout) {
		return exitError
	}
	if err := m.migrate(b, mig); err != nil {
		m.errorf("%s", err)
		return exitError
	}
	fmt.Fprintln(m.Stdout, mig.done)
	return exitOK
}

func (m *Meta) migrate(b *state.Local, mig *migration) error {
	ctx := context.Background()
	st, err := b.Load(ctx)
	var ee *state.EncryptionError
	if errors.As(err, &ee) && mig.name == "encrypt" && ee.Problem == state.NeedPassphrase {
		return errors.New("the state is already encrypted: to change its passphrase, run daftar state rekey. Nothing was changed")
	}
	if errors.As(err, &ee) && mig.name != "encrypt" && ee.Problem == state.NotEncrypted {
		return fmt.Errorf("the state is not encrypted: there is nothing to %s (run daftar state encrypt to encrypt it). Nothing was changed", mig.name)
	}
	if err != nil {
		return err
	}
	if st.Serial == 0 {
		return fmt.Errorf("there is no state at %s yet: with a passphrase set, the first apply writes it encrypted", b.Path())
	}
	if err := b.Compact(ctx, st); err != nil {
		return err
	}
	return b.Reencrypt(ctx, mig.to)
}
