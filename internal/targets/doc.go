// Package targets is the first step of discovery: it decides what may be
// scanned. It turns what the user typed — nmap target syntax (addresses,
// CIDRs, octet ranges, hostnames), -iL lists, --exclude/--excludefile, and an
// nmap -p port list or a named port profile — into a Spec that the scanner
// iterates lazily and the socket layer checks every dial against.
//
// Scope is a safety property, not a convenience: an address is in scope only
// if an include names it and no exclusion does, exclusions always win, and a
// target too large to scan sensibly is refused with the limit in the error
// rather than iterated for days.
package targets
