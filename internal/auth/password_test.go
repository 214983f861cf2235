package auth

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
)

func TestHashPasswordLimits(t *testing.T) {
	for _, tc := range []struct {
		name     string
		password string
		wantErr  string
		is       error
	}{
		{name: "12 characters", password: "abcdefghijkl"},
		{name: "12 multi-byte characters", password: strings.Repeat("é", 12)},
		{name: "1024 bytes", password: strings.Repeat("x", 1024)},
		{name: "empty", password: "", is: ErrPasswordTooShort,
			wantErr: "auth: password too short: 0 characters, the minimum is 12"},
		{name: "11 characters", password: "abcdefghijk", is: ErrPasswordTooShort,
			wantErr: "auth: password too short: 11 characters, the minimum is 12"},
		{name: "11 characters in 22 bytes", password: strings.Repeat("é", 11), is: ErrPasswordTooShort,
			wantErr: "auth: password too short: 11 characters, the minimum is 12"},
		{name: "1025 bytes", password: strings.Repeat("x", 1025), is: ErrPasswordTooLong,
			wantErr: "auth: password too long: 1025 bytes, the maximum is 1024"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, err := HashPassword(tc.password)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr || !errors.Is(err, tc.is) {
					t.Fatalf("HashPassword = %q, %v; want error %q", h, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ok, err := CheckPassword(h, tc.password); !ok || err != nil {
				t.Fatalf("CheckPassword of its own hash = %v, %v", ok, err)
			}
		})
	}
}

func TestHashPasswordRoundTrip(t *testing.T) {
	const pw = "correct horse battery staple"
	h1, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := HashPassword(pw)
	phc := regexp.MustCompile(`^\$argon2id\$v=19\$m=1024,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !phc.MatchString(h1) {
		t.Errorf("hash %q is not a PHC string of the test parameters", h1)
	}
	if h1 == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	for _, tc := range []struct {
		name, password string
		want           bool
	}{
		{"right", pw, true},
		{"wrong", "correct horse battery stapler", false},
		{"case", "Correct horse battery staple", false},
		{"empty", "", false},
		{"too long is false without hashing", pw + strings.Repeat("x", 1024), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if ok, err := CheckPassword(h1, tc.password); ok != tc.want || err != nil {
				t.Errorf("CheckPassword = %v, %v; want %v", ok, err, tc.want)
			}
		})
	}
}

// The defaults are what a server stores; one hash at full cost.
func TestDefaultParams(t *testing.T) {
	const pw = "a password of the defaults"
	h := hashWith(pw, defaultParams)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("default hash %q", h)
	}
	if ok, err := CheckPassword(h, pw); !ok || err != nil {
		t.Fatalf("CheckPassword = %v, %v", ok, err)
	}
	saved := current
	defer func() { current = saved }()
	current = defaultParams
	if NeedsRehash(h) {
		t.Error("a hash of the current parameters needs rehashing")
	}
}

// Hashes made by the reference implementation (the argon2 command of
// phc-winner-argon2, Debian package argon2) check, so stored hashes are
// interchangeable with other argon2id implementations.
func TestCheckPasswordReference(t *testing.T) {
	for _, tc := range []struct{ encoded, password string }{
		// echo -n "correct horse battery staple" | argon2 saltsaltsaltsalt -id -t 2 -m 10 -p 1 -l 32 -e
		{"$argon2id$v=19$m=1024,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$RC5JY/00hXKlnXZ/+PCVcJg84nuCQwbjIQ3DVCTomOQ", "correct horse battery staple"},
		// echo -n password | argon2 somesalt -id -t 2 -m 16 -p 4 -l 32 -e (the project's README example)
		{"$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo", "password"},
	} {
		if ok, err := CheckPassword(tc.encoded, tc.password); !ok || err != nil {
			t.Errorf("CheckPassword(%s, %q) = %v, %v; want true", tc.encoded, tc.password, ok, err)
		}
		if ok, err := CheckPassword(tc.encoded, tc.password+"!"); ok || err != nil {
			t.Errorf("CheckPassword(%s, wrong) = %v, %v; want false", tc.encoded, ok, err)
		}
	}
}

func TestCheckPasswordRejectsBadHashes(t *testing.T) {
	const salt, key = "c2FsdHNhbHRzYWx0c2FsdA", "RC5JY/00hXKlnXZ/+PCVcJg84nuCQwbjIQ3DVCTomOQ"
	phc := func(alg, version, ps, s, k string) string {
		return fmt.Sprintf("$%s$%s$%s$%s$%s", alg, version, ps, s, k)
	}
	for _, tc := range []struct {
		name, encoded, want string
	}{
		{"empty (no password set)", "", "not a PHC string $argon2id$v=...$m=...,t=...,p=...$salt$hash"},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", "not a PHC string $argon2id$v=...$m=...,t=...,p=...$salt$hash"},
		{"argon2i", phc("argon2i", "v=19", "m=1024,t=2,p=1", salt, key), `algorithm "argon2i", want argon2id`},
		{"old version", phc("argon2id", "v=16", "m=1024,t=2,p=1", salt, key), `version "v=16", want v=19`},
		{"no version", "$argon2id$m=1024,t=2,p=1$" + salt + "$" + key, "not a PHC string $argon2id$v=...$m=...,t=...,p=...$salt$hash"},
		{"trailing field", phc("argon2id", "v=19", "m=1024,t=2,p=1", salt, key) + "$x", "not a PHC string $argon2id$v=...$m=...,t=...,p=...$salt$hash"},
		{"4 GiB of memory", phc("argon2id", "v=19", "m=4194304,t=2,p=1", salt, key), "m=4194304 out of bounds 8..262144 KiB"},
		{"memory past uint32", phc("argon2id", "v=19", "m=4294967296,t=2,p=1", salt, key), `parameter "m=4294967296", want m=<decimal>`},
		{"memory below 8 per lane", phc("argon2id", "v=19", "m=15,t=2,p=2", salt, key), "m=15 out of bounds 16..262144 KiB"},
		{"a thousand passes", phc("argon2id", "v=19", "m=1024,t=1000,p=1", salt, key), "t=1000 out of bounds 1..16"},
		{"no passes", phc("argon2id", "v=19", "m=1024,t=0,p=1", salt, key), "t=0 out of bounds 1..16"},
		{"no lanes", phc("argon2id", "v=19", "m=1024,t=2,p=0", salt, key), "p=0 out of bounds 1..16"},
		{"255 lanes", phc("argon2id", "v=19", "m=262144,t=2,p=255", salt, key), "p=255 out of bounds 1..16"},
		{"parameters out of order", phc("argon2id", "v=19", "t=2,m=1024,p=1", salt, key), `parameter "t=2", want m=<decimal>`},
		{"signed number", phc("argon2id", "v=19", "m=+1024,t=2,p=1", salt, key), `parameter "m=+1024", want m=<decimal>`},
		{"leading zero", phc("argon2id", "v=19", "m=01024,t=2,p=1", salt, key), `parameter "m=01024", want m=<decimal>`},
		{"missing parameter", phc("argon2id", "v=19", "m=1024,t=2", salt, key), `parameters "m=1024,t=2", want m=...,t=...,p=...`},
		{"extra parameter", phc("argon2id", "v=19", "m=1024,t=2,p=1,keyid=x", salt, key), `parameters "m=1024,t=2,p=1,keyid=x", want m=...,t=...,p=...`},
		{"padded salt", phc("argon2id", "v=19", "m=1024,t=2,p=1", salt+"==", key), "salt must be 8 to 64 bytes of unpadded base64"},
		{"short salt", phc("argon2id", "v=19", "m=1024,t=2,p=1", "c2FsdA", key), "salt must be 8 to 64 bytes of unpadded base64"},
		{"url-safe base64", phc("argon2id", "v=19", "m=1024,t=2,p=1", salt, strings.ReplaceAll(key, "/", "_")), "hash must be 16 to 64 bytes of unpadded base64"},
		{"short hash", phc("argon2id", "v=19", "m=1024,t=2,p=1", salt, "RC5JY/00hXKlnXZ"), "hash must be 16 to 64 bytes of unpadded base64"},
		{"too long", phc("argon2id", "v=19", "m=1024,t=2,p=1", salt, key+strings.Repeat("A", 200)), "296 bytes long, the limit is 256"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, err := CheckPassword(tc.encoded, "correct horse battery staple")
			want := "auth: invalid password hash: " + tc.want
			if ok || err == nil || err.Error() != want || !errors.Is(err, ErrBadHash) {
				t.Fatalf("CheckPassword = %v, %v; want error %q", ok, err, want)
			}
			if !NeedsRehash(tc.encoded) {
				t.Error("NeedsRehash of a bad hash is false")
			}
		})
	}
}

func TestNeedsRehash(t *testing.T) {
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if NeedsRehash(h) {
		t.Errorf("NeedsRehash(%s) with the current parameters", h)
	}
	older := encode(params{memory: 1024, time: 2, threads: 1}, make([]byte, 16), make([]byte, 32))
	if !NeedsRehash(older) {
		t.Errorf("NeedsRehash(%s) is false, want true (t differs)", older)
	}
	shortKey := encode(current, make([]byte, 16), make([]byte, 16))
	if !NeedsRehash(shortKey) {
		t.Errorf("NeedsRehash(%s) is false, want true (key length differs)", shortKey)
	}
}

// Hashing from many goroutines at once works (and is bounded by
// maxHashing, which the race detector would flag if misused).
func TestHashConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 3*maxHashing)
	for i := range 3 * maxHashing {
		wg.Go(func() {
			pw := fmt.Sprintf("password number %d", i)
			h, err := HashPassword(pw)
			if err == nil {
				var ok bool
				ok, err = CheckPassword(h, pw)
				if !ok && err == nil {
					err = fmt.Errorf("%s does not check", pw)
				}
			}
			DummyCheck(pw)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if len(hashing) != 0 {
		t.Errorf("%d hashing slots still held", len(hashing))
	}
}

// FuzzDecode checks that the parser of stored hashes never panics and
// never accepts parameters out of bounds.
func FuzzDecode(f *testing.F) {
	f.Add("$argon2id$v=19$m=1024,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$RC5JY/00hXKlnXZ/+PCVcJg84nuCQwbjIQ3DVCTomOQ")
	f.Add("$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo")
	f.Add("$argon2id$v=19$m=4294967295,t=4294967295,p=255$$")
	f.Add("")
	f.Fuzz(func(t *testing.T, encoded string) {
		p, salt, key, err := decode(encoded)
		if err != nil {
			if !errors.Is(err, ErrBadHash) {
				t.Fatalf("decode error %v is not ErrBadHash", err)
			}
			return
		}
		if p.memory > maxMemory || p.memory < 8*uint32(p.threads) || p.time < 1 || p.time > maxTime ||
			p.threads < 1 || p.threads > maxThreads || len(salt) < minSalt || len(salt) > maxSalt ||
			len(key) < minKey || len(key) > maxKey {
			t.Fatalf("decode(%q) accepted %+v, salt %d, key %d bytes", encoded, p, len(salt), len(key))
		}
	})
}

// BenchmarkHashPassword measures one hash at the server's parameters
// (m=64 MiB, t=3, p=2), which is also what one login costs.
func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		hashWith("correct horse battery staple", defaultParams)
	}
}
