// Package sshprobe is the SSH probe of the discovery stage: it reads the
// server's identification string (RFC 4253 §4.2), which names the SSH
// implementation and so often the device maker ("SSH-2.0-HUAWEI-1.5",
// "SSH-2.0-Comware-7.1.064"), and reports it as ssh.banner.
//
// What it sends: only its own identification line, "SSH-2.0-covered\r\n",
// after the server's, so that the server sees a well-formed client that
// hangs up rather than a stalled connection. No key exchange, no login.
package sshprobe

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
	// maxLine is RFC 4253 §4.2's cap on the identification line, CR LF
	// included; other lines get the same cap here.
	maxLine = 255
	// maxLines bounds the text a server may send before its identification
	// line (RFC 4253 §4.2 allows some; real devices send none or a few).
	maxLines = 8
	// ident is what we tell the server we are.
	ident = "SSH-2.0-covered\r\n"
)

// ErrNoIdent means the server sent lines but none was an SSH
// identification line.
var ErrNoIdent = errors.New("no SSH identification line")

// Prober is the SSH probe.
type Prober struct{}

var _ probe.Probe = (*Prober)(nil)

func init() { probe.Register(&Prober{}) }

// Name implements probe.Probe.
func (*Prober) Name() string { return "ssh" }

// Transport implements probe.Probe.
func (*Prober) Transport() string { return "tcp" }

// Ports implements probe.Probe: 22, and 2222 where embedded devices often
// move SSH.
func (*Prober) Ports() []uint16 { return []uint16{22, 2222} }

// Probe implements probe.Probe.
func (*Prober) Probe(ctx context.Context, d probe.Dialer, t probe.Target, opt probe.Options, emit probe.Emit) error {
	t.Transport = "tcp"
	c, err := wire.Dial(ctx, d, t, opt)
	if err != nil {
		if wire.Quiet(err) {
			return nil
		}
		return fmt.Errorf("ssh %s: %w", t.HostPort(), err)
	}
	defer c.Close()
	id, err := ReadIdent(c.Reader(maxLine * maxLines))
	if id == "" {
		if wire.Quiet(err) {
			return nil
		}
		return fmt.Errorf("ssh %s: %w", t.HostPort(), err)
	}
	emit(covered.Observation{Key: "ssh.banner", Value: id, Port: int(t.Port), Transport: "tcp"})
	// Errors from here on cost nothing we care about: the banner is in.
	c.Write([]byte(ident))
	return nil
}

// ReadIdent returns the server's identification line without its line end.
// Lines before it that do not start with "SSH-" are skipped (RFC 4253
// §4.2). A line cut short by the cap or by the peer hanging up is still
// returned when it starts with "SSH-": the device did reveal it. Without an
// identification line it returns "" and the read error when the server sent
// nothing, or only the start of "SSH-"; otherwise an error wrapping
// ErrNoIdent, with the read error as text only so that wire.Quiet does not
// take nonsense for silence.
func ReadIdent(r *bufio.Reader) (string, error) {
	got := 0
	for range maxLines {
		line, err := wire.ReadLine(r, maxLine)
		got += len(line)
		if bytes.HasPrefix(line, []byte("SSH-")) {
			return string(wire.TrimEOL(line)), nil
		}
		if err != nil {
			if got == len(line) && bytes.HasPrefix([]byte("SSH-"), line) {
				return "", err // nothing, or too little to judge ("SS")
			}
			return "", fmt.Errorf("%w (%d bytes): %v", ErrNoIdent, got, err)
		}
	}
	return "", fmt.Errorf("%w in the first %d lines", ErrNoIdent, maxLines)
}
