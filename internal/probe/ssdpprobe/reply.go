package ssdpprobe

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// searchRequest is the M-SEARCH of UPnP Device Architecture 2.0 §1.3.2,
// sent unicast to the device: search target ssdp:all so that any device,
// root device or service answers. hostPort is the target's "addr:port".
func searchRequest(hostPort string) []byte {
	return []byte("M-SEARCH * HTTP/1.1\r\n" +
		"HOST: " + hostPort + "\r\n" +
		"MAN: \"ssdp:discover\"\r\n" +
		"MX: 1\r\n" +
		"ST: ssdp:all\r\n" +
		"\r\n")
}

// reply is the part of a search response (UDA 2.0 §1.3.3) the probe uses.
type reply struct {
	// Server is the SERVER header: "OS/version UPnP/2.0 product/version".
	Server string
	// Location is the LOCATION header: the URL of the device description.
	Location string
}

// errNotResponse marks a datagram that is an HTTPU request (another
// control point's M-SEARCH, a NOTIFY), not an answer: ignored.
var errNotResponse = errors.New("ssdp: datagram is a request, not a response")

// maxHeaders bounds the header lines parsed from one datagram.
const maxHeaders = 64

// parseReply parses an HTTPU search response: "HTTP/1.x 200 OK", header
// lines, an empty line. Header names are case-insensitive (UDA 2.0 §1.1.3
// follows HTTP); continuation lines are not used by SSDP and are ignored.
func parseReply(b []byte) (reply, error) {
	line, rest, _ := bytes.Cut(b, []byte("\n"))
	status := strings.TrimRight(string(line), "\r")
	if strings.HasPrefix(status, "M-SEARCH ") || strings.HasPrefix(status, "NOTIFY ") {
		return reply{}, errNotResponse
	}
	proto, code, ok := strings.Cut(status, " ")
	if !ok || !strings.HasPrefix(proto, "HTTP/1.") {
		return reply{}, fmt.Errorf("ssdp: reply does not start with an HTTP status line: %.40q", status)
	}
	code, _, _ = strings.Cut(code, " ")
	if n, err := strconv.Atoi(code); err != nil || n != 200 {
		return reply{}, fmt.Errorf("ssdp: reply status %.10q, want 200", code)
	}
	var r reply
	for range maxHeaders {
		if len(rest) == 0 {
			break
		}
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		h := strings.TrimRight(string(line), "\r")
		if h == "" {
			break
		}
		name, value, ok := strings.Cut(h, ":")
		if !ok || strings.ContainsAny(name, " \t") || strings.ContainsRune(value, '\r') {
			// Not a header line (a bare CR is not allowed in HTTP fields).
			continue
		}
		value = strings.TrimSpace(value)
		switch strings.ToUpper(name) {
		case "SERVER":
			r.Server = value
		case "LOCATION":
			r.Location = value
		}
	}
	return r, nil
}
