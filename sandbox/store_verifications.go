package sandbox

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// createVerification spends one token, gives v its reference code and
// commits it. It fails with errNoTokens when the balance is empty.
func (s *store) createVerification(v *verification) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tokens <= 0 {
		return errNoTokens
	}
	v.ReferenceCode = s.nextReferenceCode(v.VerificationTypeID, v.CreatedAt)
	return s.commit(entry{Op: "verification", Verification: v})
}

// nextReferenceCode answers PREFIX-YYMMDD-NNNN: NNNN counts from 0001 per
// prefix and UTC day (and grows past four digits after 9999). Callers hold
// s.mu; the counter moves when the record is applied.
func (s *store) nextReferenceCode(typeID int, at time.Time) string {
	key := verificationTypes[typeID].prefix + "-" + at.UTC().Format("060102")
	return fmt.Sprintf("%s-%04d", key, s.codeSeq[key]+1)
}

// splitReferenceCode splits "EMP-260211-0007" into "EMP-260211" and 7.
func splitReferenceCode(code string) (string, int, bool) {
	i := strings.LastIndexByte(code, '-')
	if i < 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(code[i+1:])
	return code[:i], n, err == nil
}

func (s *store) verification(code string) (*verification, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := s.verifs[code]
	return v, ok
}

// allVerifications returns every verification in creation order. The
// records themselves never change, so sharing the pointers is safe.
func (s *store) allVerifications() []*verification {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]*verification(nil), s.verOrder...)
}

func (s *store) tokensLeft() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return max(s.tokens, 0)
}
