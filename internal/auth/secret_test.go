package auth

import (
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
)

func TestNewSecret(t *testing.T) {
	hexHash := regexp.MustCompile(`^[0-9a-f]{64}$`)
	seen := map[string]bool{}
	for _, prefix := range []string{TokenPrefix, SessionPrefix, ""} {
		for range 100 {
			plain, hash := NewSecret(prefix)
			rest, ok := strings.CutPrefix(plain, prefix)
			if !ok {
				t.Fatalf("NewSecret(%q) = %q, lacks the prefix", prefix, plain)
			}
			raw, err := base64.RawURLEncoding.Strict().DecodeString(rest)
			if err != nil || len(raw) != SecretBytes || len(rest) != 43 {
				t.Fatalf("NewSecret(%q) = %q: want 43 characters of base64url for 32 bytes (%v)", prefix, plain, err)
			}
			if !hexHash.MatchString(hash) || hash != HashSecret(plain) {
				t.Fatalf("NewSecret(%q) hash %q is not HashSecret(plain)", prefix, hash)
			}
			if seen[plain] {
				t.Fatalf("NewSecret repeated %q", plain)
			}
			seen[plain] = true
		}
	}
}

func TestHashSecret(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// FIPS 180-2 test vectors.
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	} {
		if got := HashSecret(tc.in); got != tc.want {
			t.Errorf("HashSecret(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
	if HashSecret("cvt_a") == HashSecret("cvs_a") {
		t.Error("the prefix is not part of the hash")
	}
}

func TestCSRFEqual(t *testing.T) {
	tok, _ := NewSecret("")
	for _, tc := range []struct {
		name string
		a, b string
		want bool
	}{
		{"same", tok, tok, true},
		{"differs in the last byte", tok, tok[:len(tok)-1] + "!", false},
		{"prefix of the other", tok, tok[:10], false},
		{"empty request token", "", tok, false},
		{"empty session token", tok, "", false},
		{"both empty never match", "", "", false},
		{"case matters", "abcDEF", "abcdef", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CSRFEqual(tc.a, tc.b); got != tc.want {
				t.Errorf("CSRFEqual(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
		})
	}
}
