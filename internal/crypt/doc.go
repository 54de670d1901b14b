// Package crypt encrypts the files that hold personal data (the state, its
// backups, the journal, saved plans) with a key derived from a passphrase.
//
// An encrypted file is a text header line that says how its key was
// derived, then the AES-256-GCM ciphertext:
//
//	DAFTAR-ENCRYPTED/1 kdf=argon2id t=3 m=65536 p=4 salt=<base64> check=<base64>\n
//	<12-byte nonce><ciphertext and 16-byte tag>
//
// The key is Argon2id(passphrase, salt) with the header's parameters; the
// header line is the ciphertext's additional data, so no parameter can be
// changed without the file failing to open; check is a short MAC of a
// constant under the key, so that a wrong passphrase is told apart from a
// damaged file.
//
// The package knows nothing of states or plans: it turns bytes into bytes.
// It must not read the passphrase from anywhere itself (the command line
// does), and it never writes a file.
//
// Concurrency: a key is derived once (Argon2id) under a mutex and then
// shared; sealing and opening are safe for concurrent use. The package starts
// no goroutine.
package crypt
