package telnetprobe

import (
	"bytes"
)

// Telnet command bytes (RFC 854, "TELNET COMMAND STRUCTURE").
const (
	iac  = 255
	dont = 254
	do   = 253
	wont = 252
	will = 251
	sb   = 250
	se   = 240
)

// nvt decodes the Telnet byte stream (RFC 854) into the text a terminal
// would show, and works out the refusals that let the server go on to its
// banner: every DO is answered WONT and every WILL is answered DONT (RFC
// 855: either side may refuse any option), each at most once per option so
// that a server that repeats itself cannot drive a reply loop (RFC 854's
// rule against acknowledging a mode already in effect). Its state carries
// over between calls, because a command may be split across two reads.
type nvt struct {
	state    int  // one of the st* constants
	verb     byte // WILL, WONT, DO or DONT after stVerb
	answered [2][256]bool
}

const (
	stData = iota
	stIAC  // after IAC
	stVerb // after IAC WILL/WONT/DO/DONT, the option byte comes next
	stSub  // inside IAC SB ... IAC SE
	stSubIAC
)

// decode appends the text in 'in' to text and the replies to reply.
// IAC IAC is a data byte 255; other commands, subnegotiations and NUL (a
// no-op to an NVT printer, and the second byte of CR NUL) are dropped.
func (n *nvt) decode(text, reply, in []byte) ([]byte, []byte) {
	for _, b := range in {
		switch n.state {
		case stData:
			switch b {
			case iac:
				n.state = stIAC
			case 0:
			default:
				text = append(text, b)
			}
		case stIAC:
			switch b {
			case iac:
				text = append(text, iac)
				n.state = stData
			case will, wont, do, dont:
				n.verb, n.state = b, stVerb
			case sb:
				n.state = stSub
			default: // NOP, GA, AYT, ... and stray SE: two-byte commands
				n.state = stData
			}
		case stVerb:
			reply = n.refuse(reply, n.verb, b)
			n.state = stData
		case stSub:
			if b == iac {
				n.state = stSubIAC
			}
		case stSubIAC:
			switch b {
			case se:
				n.state = stData
			default: // IAC IAC inside SB is data; anything else, keep skipping
				n.state = stSub
			}
		}
	}
	return text, reply
}

// refuse answers DO with WONT and WILL with DONT, once per option. WONT and
// DONT need no answer: we are already in the "off" state they ask for.
func (n *nvt) refuse(reply []byte, verb, opt byte) []byte {
	var i int
	var answer byte
	switch verb {
	case do:
		i, answer = 0, wont
	case will:
		i, answer = 1, dont
	default:
		return reply
	}
	if n.answered[i][opt] {
		return reply
	}
	n.answered[i][opt] = true
	return append(reply, iac, answer, opt)
}

// promptWords are what login prompts of embedded devices ask for, lower
// case: "login:", "Username:", ">>User name:", "Password:", "Account:".
var promptWords = [][]byte{[]byte("login"), []byte("user"), []byte("name"), []byte("password"), []byte("account")}

// atPrompt reports whether text ends in a login prompt or a short shell
// prompt ("ZXAN#", "<HUAWEI>"), the point where a device waits for input
// and has said all it will say to a client that never logs in.
func atPrompt(text []byte) bool {
	line := bytes.TrimRight(text, " \t")
	if i := bytes.LastIndexAny(line, "\r\n"); i >= 0 {
		line = line[i+1:]
	}
	if len(line) == 0 {
		return false
	}
	switch line[len(line)-1] {
	case ':':
		lower := bytes.ToLower(line)
		for _, w := range promptWords {
			if bytes.Contains(lower, w) {
				return true
			}
		}
	case '#', '>', '$':
		return len(line) <= 64
	}
	return false
}
