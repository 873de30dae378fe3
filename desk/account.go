package desk

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"golang.org/x/crypto/bcrypt"
	"gopkg.in/yaml.v3"
)

// Account is one clerk who may upload files for the datasets of a comune
// (or of the Province, code "013").
type Account struct {
	User string `yaml:"user"`
	Name string `yaml:"name"`
	// Comune is the ISTAT code of the clerk's administration: 6 digits for
	// a comune, 3 for the Province. It must equal Dataset.Publisher.
	Comune       string `yaml:"comune"`
	PasswordHash string `yaml:"password_hash"`
}

// Accounts is the content of the accounts file.
type Accounts struct {
	Accounts []Account `yaml:"accounts"`
}

var (
	userPattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)
	istatPattern = regexp.MustCompile(`^([0-9]{3}|[0-9]{6})$`)
)

// LoadAccounts reads an accounts file strictly: unknown keys, duplicate
// users and malformed hashes are errors naming the file and line.
func LoadAccounts(path string) (*Accounts, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	a, err := ParseAccounts(data)
	if err != nil {
		return nil, fmt.Errorf("accounts %s: %w", path, err)
	}
	return a, nil
}

// ParseAccounts decodes and checks the YAML text of an accounts file.
func ParseAccounts(data []byte) (*Accounts, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var a Accounts
	if err := dec.Decode(&a); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for i, acc := range a.Accounts {
		where := fmt.Sprintf("account %d (%q)", i+1, acc.User)
		switch {
		case !userPattern.MatchString(acc.User):
			return nil, fmt.Errorf("%s: user must be 2-64 lowercase letters, digits, '.', '_' or '-'", where)
		case seen[acc.User]:
			return nil, fmt.Errorf("%s: user is listed twice", where)
		case !istatPattern.MatchString(acc.Comune):
			return nil, fmt.Errorf("%s: comune must be an ISTAT code of 6 digits (or 3 for the Province), quoted", where)
		case !strings.HasPrefix(acc.PasswordHash, "$2"):
			return nil, fmt.Errorf("%s: password_hash must be a bcrypt hash (make one with `opendata serve --hash-password`)", where)
		}
		if _, err := bcrypt.Cost([]byte(acc.PasswordHash)); err != nil {
			return nil, fmt.Errorf("%s: password_hash: %w", where, err)
		}
		seen[acc.User] = true
	}
	return &a, nil
}

// passwordCost is the bcrypt cost of new hashes: about a quarter of a
// second per sign-in on a small server.
const passwordCost = 12

// HashPassword makes the bcrypt hash to put in an accounts file.
func HashPassword(pw string) (string, error) {
	if len(pw) < 12 {
		return "", errors.New("password too short: use at least 12 characters")
	}
	if len(pw) > 72 {
		return "", errors.New("password too long: bcrypt reads at most 72 bytes")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), passwordCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// find returns the account of a user.
func (a *Accounts) find(user string) (Account, bool) {
	for _, acc := range a.Accounts {
		if acc.User == user {
			return acc, true
		}
	}
	return Account{}, false
}

// dummyHash makes a hash of the same cost as the accounts' own, compared
// when the user does not exist so that a wrong name takes as long as a
// wrong password.
func (a *Accounts) dummyHash() ([]byte, error) {
	cost := passwordCost
	if len(a.Accounts) > 0 {
		cost, _ = bcrypt.Cost([]byte(a.Accounts[0].PasswordHash))
	}
	return bcrypt.GenerateFromPassword([]byte("not a password of anyone"), cost)
}

// verify checks a user's password, taking as long whether or not the user
// exists.
func (a *Accounts) verify(user, pw string, dummy []byte) (Account, bool) {
	acc, ok := a.find(user)
	hash := dummy
	if ok {
		hash = []byte(acc.PasswordHash)
	}
	err := bcrypt.CompareHashAndPassword(hash, []byte(pw))
	return acc, ok && err == nil
}
