package snmpprobe

import (
	"crypto/rand"
	"encoding/binary"
)

// randomID returns a random positive 31-bit identifier (SNMP msgID and
// request-id are INTEGER (0..2147483647), RFC 3412 §6 and RFC 3416 §3).
func randomID() uint32 {
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	id := binary.BigEndian.Uint32(b[:]) & 0x7fffffff
	if id == 0 {
		id = 1
	}
	return id
}
