// Package ftpprobe is the FTP probe of the discovery stage. The greeting of
// an FTP server (RFC 959 §4.2, reply 220) often names the device or its
// firmware ("220 EchoLife HG8245H FTP server ready"); the probe reports the
// whole greeting, every line of a multi-line reply, as ftp.banner.
//
// What it sends: "QUIT\r\n" after the greeting, and nothing else: no USER,
// no anonymous login.
package ftpprobe

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/probe"
	"github.com/coveredtool/covered/internal/probe/wire"
)

const (
	// maxLine caps one reply line; RFC 959 sets no limit, real greetings
	// stay well under it.
	maxLine = 512
	// maxLines and maxReply cap a multi-line greeting (some servers print
	// a long notice, none needs more).
	maxLines = 32
	maxReply = 4 << 10
)

// ErrNotReply means the server's first line is not an FTP reply (three
// digits, then a space, a hyphen or the line end).
var ErrNotReply = errors.New("not an FTP reply")

// Prober is the FTP probe.
type Prober struct{}

var _ probe.Probe = (*Prober)(nil)

func init() { probe.Register(&Prober{}) }

// Name implements probe.Probe.
func (*Prober) Name() string { return "ftp" }

// Transport implements probe.Probe.
func (*Prober) Transport() string { return "tcp" }

// Ports implements probe.Probe.
func (*Prober) Ports() []uint16 { return []uint16{21} }

// Probe implements probe.Probe.
func (*Prober) Probe(ctx context.Context, d probe.Dialer, t probe.Target, opt probe.Options, emit probe.Emit) error {
	t.Transport = "tcp"
	c, err := wire.Dial(ctx, d, t, opt)
	if err != nil {
		if wire.Quiet(err) {
			return nil
		}
		return fmt.Errorf("ftp %s: %w", t.HostPort(), err)
	}
	defer c.Close()
	reply, err := ReadReply(c.Reader(maxReply))
	if len(reply) > 0 {
		emit(covered.Observation{Key: "ftp.banner", Value: string(reply), Port: int(t.Port), Transport: "tcp"})
	}
	switch {
	case err == nil:
	case len(reply) > 0 || wire.Quiet(err):
		// A greeting cut short by a cap or a hang-up was still reported;
		// the stream is mid-reply, so no QUIT.
		return nil
	default:
		return fmt.Errorf("ftp %s: %w", t.HostPort(), err)
	}
	// A polite goodbye (RFC 959 §4.1.1); its answer teaches nothing.
	c.Write([]byte("QUIT\r\n"))
	return nil
}

// ReadReply reads one FTP reply (RFC 959 §4.2): one line "xyz text", or
// "xyz-text" and more lines up to one starting "xyz ". It returns the reply
// verbatim without its final line end, so that multi-line greetings keep
// their "\r\n" between lines. A reply cut short by the caps or by the peer
// is returned with the error that cut it. A first line that is not a reply
// returns nil and an error wrapping ErrNotReply.
func ReadReply(r *bufio.Reader) ([]byte, error) {
	line, err := wire.ReadLine(r, maxLine)
	if len(line) == 0 {
		return nil, err
	}
	code, multi, ok := replyCode(line)
	if !ok {
		if len(line) < 4 && err != nil {
			return nil, err // the peer said too little to judge
		}
		return nil, fmt.Errorf("%w: %q", ErrNotReply, line[:min(len(line), 16)])
	}
	reply := line
	for n := 1; multi && err == nil; n++ {
		if n >= maxLines || len(reply) >= maxReply {
			return wire.TrimEOL(reply), fmt.Errorf("reply longer than %d lines or %d bytes: %w", maxLines, maxReply, wire.ErrLineTooLong)
		}
		line, err = wire.ReadLine(r, min(maxLine, maxReply-len(reply)))
		reply = append(reply, line...)
		if err == nil && endsReply(line, code) {
			multi = false
		}
	}
	return wire.TrimEOL(reply), err
}

// replyCode parses the reply code of a first line and whether a
// multi-line reply starts.
func replyCode(line []byte) (code []byte, multi, ok bool) {
	if len(line) < 3 {
		return nil, false, false
	}
	for _, b := range line[:3] {
		if b < '0' || b > '9' {
			return nil, false, false
		}
	}
	switch rest := wire.TrimEOL(line[3:]); {
	case len(rest) == 0:
		return line[:3], false, true
	case rest[0] == ' ':
		return line[:3], false, true
	case rest[0] == '-':
		return line[:3], true, true
	}
	return nil, false, false
}

// endsReply reports whether line is the last line of a multi-line reply
// with the given code: the code, then a space or the line end.
func endsReply(line, code []byte) bool {
	rest, ok := bytes.CutPrefix(line, code)
	if !ok {
		return false
	}
	rest = wire.TrimEOL(rest)
	return len(rest) == 0 || rest[0] == ' '
}
