// Package config reads the user's config file, which gives defaults for the
// shared flags of every command (--db, --site, --rules, --policy, the scan
// rates), the exclusions that keep parts of the network out of every scan,
// and the sites that label findings by address. It sits before the
// pipeline: the CLI loads it once and hands the values to scan, store and
// report; nothing in the pipeline reads the file itself.
//
// The file is YAML, looked for at DefaultPath unless --config FILE names
// another. It is decoded strictly, because a misspelt key that is silently
// ignored (an "exlude:" list) is a scan of what the user meant to protect;
// every error names file, line and field. Fields (all optional):
//
//	db                DSN of the store: a SQLite file path or a postgres:// URL
//	                  (no password: use PGPASSWORD or ~/.pgpass).
//	sites             list of {name, cidrs, description}: names unique and
//	                  non-empty; cidrs IPv4/IPv6 prefixes (or single addresses)
//	                  without host bits. Sites may overlap; the most specific
//	                  prefix wins. The same prefix in two sites is an error.
//	exclude           list of targets never scanned, in scan target syntax
//	                  (address, CIDR, octet range, hostname); an entry may
//	                  hold several separated by commas, as --exclude does.
//	rate              default --rate, a positive number per second.
//	host_rate         default --host-rate, a positive number per second.
//	host_concurrency  default --host-concurrency, a positive integer.
//	policy            list of policy pack files (--policy).
//	rules             a fingerprint rules directory, or a list of them (--rules).
//
// Paths (db, policy, rules) may start with "~/" for the home directory;
// relative paths are relative to the directory of the config file. SNMP
// communities are refused: secrets are passed on the command line or from
// the environment, never stored in a file that gets copied and shared.
//
// docs/config.md has the user-facing version of this text and an example;
// testdata/example.yaml is that example, and a test loads it.
package config
