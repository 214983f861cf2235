package store

import "strings"

// Redacted replaces a secret value.
const Redacted = "[redacted]"

// secretWords are the key fragments that mark a value as a secret. Matching
// on fragments (case-insensitive) catches "snmp_community", "snmpCommunity",
// "auth-password", "api_token" without a list of every spelling.
var secretWords = []string{
	"community", "password", "passwd", "passphrase", "secret", "token",
	"apikey", "api_key", "api-key", "credential", "privkey", "private_key", "authkey", "auth_key",
}

// Redact returns a deep copy of options with the value of every key that
// names a secret (community, password, token, secret, ...) replaced by
// "[redacted]", at any depth of nested maps and lists. Callers should redact
// before logging too; BeginRun applies it again so that nothing in the store
// depends on every caller remembering.
func Redact(options map[string]any) map[string]any {
	if options == nil {
		return map[string]any{}
	}
	out := make(map[string]any, len(options))
	for k, v := range options {
		if isSecretKey(k) {
			out[k] = Redacted
			continue
		}
		out[k] = redactValue(v)
	}
	return out
}

func redactValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return Redact(x)
	case map[string]string:
		m := make(map[string]any, len(x))
		for k, s := range x {
			m[k] = s
		}
		return Redact(m)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = redactValue(e)
		}
		return out
	}
	return v
}

func isSecretKey(k string) bool {
	k = strings.ToLower(k)
	for _, w := range secretWords {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}
