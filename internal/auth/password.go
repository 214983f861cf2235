package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Password length limits. The minimum follows NIST SP 800-63B's advice to
// favour length over composition rules; the maximum only bounds the work
// and memory an attacker can make a login cost.
const (
	MinPasswordChars = 12   // characters (runes)
	MaxPasswordBytes = 1024 // bytes
)

// Errors of HashPassword and CheckPassword, wrapped with details.
var (
	ErrPasswordTooShort = errors.New("password too short")
	ErrPasswordTooLong  = errors.New("password too long")
	// ErrBadHash is a stored hash that is not an argon2id PHC string this
	// package accepts: malformed, or with parameters out of bounds.
	ErrBadHash = errors.New("invalid password hash")
)

// params are argon2id's cost parameters and sizes.
type params struct {
	memory  uint32 // KiB
	time    uint32 // passes over the memory
	threads uint8  // lanes (parallelism)
	saltLen int    // bytes
	keyLen  int    // bytes
}

// defaultParams are sized for a server: RFC 9106 §4's second recommended
// setting (for when 2 GiB per hash is too much) is m=64 MiB, t=3, p=4.
//
//   - memory 64 MiB: memory is what makes each guess expensive on GPUs and
//     ASICs; 64 MiB is the RFC's figure and above OWASP's minimum (19 MiB),
//     and with at most maxHashing hashes at once a burst of logins costs
//     the server at most 256 MiB.
//   - time 3: the RFC's pass count for 64 MiB; it brings one hash to about
//     150 ms on a small server (BenchmarkHashPassword: 136-157 ms on the
//     2-core Xeon development machine), slow for a guesser, unnoticeable at
//     a login.
//   - threads 2: lanes are computed in parallel, so p buys the defender
//     speed, not the attacker cost, and only up to the cores there are; a
//     dashboard runs on small machines (the development machine has 2
//     cores). p is part of the hash, so raising it later means rehashing
//     (NeedsRehash).
//   - salt 16 bytes: the RFC's 128 bits, unique per hash.
//   - key 32 bytes: a 256-bit tag; longer adds nothing.
var defaultParams = params{memory: 64 * 1024, time: 3, threads: 2, saltLen: 16, keyLen: 32}

// current is what HashPassword uses; tests lower it (TestMain) so that they
// do not spend 150 ms per hash.
var current = defaultParams

// Bounds on the parameters CheckPassword accepts from a stored hash, so a
// tampered or corrupt row cannot make one login allocate gigabytes or spin
// for minutes. They leave room to raise the defaults fourfold.
const (
	maxMemory  = 256 * 1024 // KiB
	maxTime    = 16
	maxThreads = 16
	minSalt    = 8
	maxSalt    = 64
	minKey     = 16
	maxKey     = 64
	maxEncoded = 256 // bytes of the whole PHC string
)

// maxHashing bounds how many hashes run at once in the process: each holds
// its memory parameter (64 MiB) for its duration, and a flood of logins
// from many addresses would otherwise exhaust memory. Further calls wait.
const maxHashing = 4

var hashing = make(chan struct{}, maxHashing)

func derive(password, salt []byte, p params) []byte {
	hashing <- struct{}{}
	defer func() { <-hashing }()
	return argon2.IDKey(password, salt, p.time, p.memory, p.threads, uint32(p.keyLen))
}

// HashPassword hashes a password with argon2id and a random salt and
// returns the PHC string form, "$argon2id$v=19$m=65536,t=3,p=2$salt$hash"
// (salt and hash in unpadded standard base64), which carries its own
// parameters. It refuses passwords shorter than 12 characters or longer
// than 1024 bytes.
func HashPassword(password string) (string, error) {
	if n := utf8.RuneCountInString(password); n < MinPasswordChars {
		return "", fmt.Errorf("auth: %w: %d characters, the minimum is %d", ErrPasswordTooShort, n, MinPasswordChars)
	}
	if len(password) > MaxPasswordBytes {
		return "", fmt.Errorf("auth: %w: %d bytes, the maximum is %d", ErrPasswordTooLong, len(password), MaxPasswordBytes)
	}
	return hashWith(password, current), nil
}

func hashWith(password string, p params) string {
	salt := make([]byte, p.saltLen)
	rand.Read(salt) // never fails: crypto/rand crashes the program rather than return an error
	key := derive([]byte(password), salt, p)
	return encode(p, salt, key)
}

func encode(p params, salt, key []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.memory, p.time, p.threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// CheckPassword reports whether password matches encoded, a hash from
// HashPassword, comparing in constant time with the parameters the hash
// carries. A malformed hash or one with parameters out of bounds is an
// error (ErrBadHash); a wrong password is false and no error. A password
// longer than 1024 bytes is false without hashing: HashPassword never
// accepted one.
func CheckPassword(encoded, password string) (bool, error) {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return false, err
	}
	if len(password) > MaxPasswordBytes {
		return false, nil
	}
	p.saltLen, p.keyLen = len(salt), len(key)
	got := derive([]byte(password), salt, p)
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether encoded was made with other parameters than
// HashPassword uses now (or cannot be read), so that a server can store a
// new hash after a successful login.
func NeedsRehash(encoded string) bool {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return true
	}
	p.saltLen, p.keyLen = len(salt), len(key)
	return p != current
}

// DummyCheck costs what CheckPassword costs for a hash of the current
// parameters and discards the result. A login for an unknown or disabled
// user calls it so that it takes as long as one for a real user, and the
// response time does not tell which names exist.
func DummyCheck(password string) {
	if len(password) > MaxPasswordBytes {
		return
	}
	salt := make([]byte, current.saltLen)
	derive([]byte(password), salt, current)
}

// decode parses "$argon2id$v=19$m=M,t=T,p=P$salt$hash" strictly.
func decode(encoded string) (params, []byte, []byte, error) {
	var p params
	bad := func(format string, args ...any) (params, []byte, []byte, error) {
		return p, nil, nil, fmt.Errorf("auth: %w: %s", ErrBadHash, fmt.Sprintf(format, args...))
	}
	if len(encoded) > maxEncoded {
		return bad("%d bytes long, the limit is %d", len(encoded), maxEncoded)
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return bad("not a PHC string $argon2id$v=...$m=...,t=...,p=...$salt$hash")
	}
	if parts[1] != "argon2id" {
		return bad("algorithm %q, want argon2id", parts[1])
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return bad("version %q, want v=%d", parts[2], argon2.Version)
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return bad("parameters %q, want m=...,t=...,p=...", parts[3])
	}
	var vals [3]uint64
	for i, name := range []string{"m", "t", "p"} {
		v, ok := strings.CutPrefix(kv[i], name+"=")
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil || v != strconv.FormatUint(n, 10) {
			return bad("parameter %q, want %s=<decimal>", kv[i], name)
		}
		vals[i] = n
	}
	m, t, threads := vals[0], vals[1], vals[2]
	switch {
	case threads < 1 || threads > maxThreads:
		return bad("p=%d out of bounds 1..%d", threads, maxThreads)
	case t < 1 || t > maxTime:
		return bad("t=%d out of bounds 1..%d", t, maxTime)
	case m < 8*threads || m > maxMemory:
		return bad("m=%d out of bounds %d..%d KiB", m, 8*threads, maxMemory)
	}
	p = params{memory: uint32(m), time: uint32(t), threads: uint8(threads)}
	salt, err := base64.RawStdEncoding.Strict().DecodeString(parts[4])
	if err != nil || len(salt) < minSalt || len(salt) > maxSalt {
		return bad("salt must be %d to %d bytes of unpadded base64", minSalt, maxSalt)
	}
	key, err := base64.RawStdEncoding.Strict().DecodeString(parts[5])
	if err != nil || len(key) < minKey || len(key) > maxKey {
		return bad("hash must be %d to %d bytes of unpadded base64", minKey, maxKey)
	}
	return p, salt, key, nil
}
