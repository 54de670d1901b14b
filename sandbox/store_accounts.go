package sandbox

import "strings"

// createAccount commits a new account unless its username, e-mail or phone
// number is taken. The checks and the commit happen under one lock, so two
// concurrent requests can never both win.
func (s *store) createAccount(a *account) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.accountConflict(a); err != nil {
		return err
	}
	return s.commit(entry{Op: "account", Account: a})
}

func (s *store) accountConflict(a *account) error {
	if s.accounts[a.Username] != nil {
		return errDuplicateUsername
	}
	if s.byEmail[strings.ToLower(a.Email)] != nil {
		return errDuplicateEmail
	}
	if a.PhoneNumber != "" && s.byPhone[a.PhoneNumber] != nil {
		return errDuplicatePhone
	}
	return nil
}

// updateProfile replaces an account's basic profile. A profile without an
// image keeps the image stored before.
func (s *store) updateProfile(username string, p *basicProfile) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accounts[username]
	if a == nil {
		return errNoAccount
	}
	if p.ProfileImgSHA256 == "" && a.Profile != nil {
		p.ProfileImgSHA256, p.ProfileImgSize = a.Profile.ProfileImgSHA256, a.Profile.ProfileImgSize
	}
	return s.commit(entry{Op: "profile", Username: username, Profile: p})
}

// account returns a copy of the account named username.
func (s *store) account(username string) (account, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a := s.accounts[username]
	if a == nil {
		return account{}, false
	}
	return *a, true
}

func (s *store) emailRegistered(email string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.byEmail[strings.ToLower(email)] != nil
}

// accounts returns copies of every account in creation order.
func (s *store) allAccounts() []account {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]account, len(s.accOrder))
	for i, a := range s.accOrder {
		out[i] = *a
	}
	return out
}
