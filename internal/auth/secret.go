package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
)

// Prefixes of the secrets the server hands out. They let a person (and a
// secret scanner) tell what a leaked string is.
const (
	TokenPrefix   = "cvt_" // API tokens
	SessionPrefix = "cvs_" // session cookies
)

// SecretBytes is how many random bytes a secret carries: 256 bits, beyond
// any guessing, so a fast unsalted hash is enough to store it.
const SecretBytes = 32

// NewSecret returns a new random secret, prefix followed by 32 random bytes
// in unpadded base64url (43 characters), and HashSecret of it: the client
// gets plain, the store keeps hash.
func NewSecret(prefix string) (plain, hash string) {
	b := make([]byte, SecretBytes)
	rand.Read(b) // never fails: crypto/rand crashes the program rather than return an error
	plain = prefix + base64.RawURLEncoding.EncodeToString(b)
	return plain, HashSecret(plain)
}

// HashSecret is the lowercase hex SHA-256 of plain, prefix included: what
// the store keeps of a session or token and looks it up by. The secret has
// 256 bits of entropy, so neither a salt nor a slow hash would add
// anything, and a lookup by hash reveals nothing through its timing.
func HashSecret(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}

// CSRFEqual reports whether a CSRF token from a request equals the
// session's, in time that does not depend on where they differ. An empty
// token never matches, not even an empty one.
func CSRFEqual(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
