package validate

import (
	"fmt"
	"regexp"
)

// emailPattern is the "email" format of the JSON Schema validator (AJV)
// whose messages the services answer with: a dot-atom local part, an @,
// and a domain of at least two labels.
var emailPattern = regexp.MustCompile(`(?i)^[a-z0-9!#$%&'*+/=?^_` + "`" +
	`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_` + "`" + `{|}~-]+)*@` +
	`(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)

// maxEmailLength is RFC 5321's limit on a forward path.
const maxEmailLength = 254

// Email checks that s is a bare e-mail address (name@example.co.id), with
// no display name, angle brackets or spaces.
func Email(s string) error {
	if len(s) > maxEmailLength {
		return fmt.Errorf("an e-mail address has at most %d characters; this one has %d", maxEmailLength, len(s))
	}
	if !emailPattern.MatchString(s) {
		return fmt.Errorf("%q is not an e-mail address: write a bare address such as name@example.co.id, without a display name or spaces", s)
	}
	return nil
}
