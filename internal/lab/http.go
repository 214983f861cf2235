package lab

import (
	"bufio"
	"bytes"
	"crypto/subtle"
	"crypto/tls"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Pages lists what the HTTP service on port serves: the profile's pages,
// plus the ONVIF device service when a WS-Discovery reply points there and
// the UPnP description when an SSDP reply does.
func (p *Profile) Pages(port uint16) []Page {
	hs := p.httpService(port)
	if hs == nil {
		return nil
	}
	pages := append([]Page(nil), hs.HTTP.Pages...)
	for i := range p.Services {
		s := &p.Services[i]
		switch {
		case s.WSD != nil && s.WSD.XAddrPort == port:
			d := s.WSD.Device
			pages = append(pages, Page{Path: onvifPath, Method: "POST", Action: "GetDeviceInformation",
				ContentType: "application/soap+xml; charset=utf-8", Key: "onvif.device_information",
				Body: &Text{Value: onvifBody(d), Source: d.Source}})
		case s.SSDP != nil && s.SSDP.LocationPort == port:
			d := s.SSDP.Description
			pages = append(pages, Page{Path: s.SSDP.LocationPath, ContentType: `text/xml; charset="utf-8"`,
				Key: "upnp.description", Body: &Text{Value: upnpBody(d), Source: d.Source}})
		}
	}
	return pages
}

// onvifBody is a GetDeviceInformationResponse envelope (ONVIF Core
// Specification, SOAP 1.2).
func onvifBody(d ONVIFInfo) string {
	return `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl">` +
		`<env:Body><tds:GetDeviceInformationResponse>` +
		`<tds:Manufacturer>` + esc(d.Manufacturer) + `</tds:Manufacturer>` +
		`<tds:Model>` + esc(d.Model) + `</tds:Model>` +
		`<tds:FirmwareVersion>` + esc(d.FirmwareVersion) + `</tds:FirmwareVersion>` +
		`<tds:SerialNumber>` + esc(d.SerialNumber) + `</tds:SerialNumber>` +
		`<tds:HardwareId>` + esc(d.HardwareID) + `</tds:HardwareId>` +
		`</tds:GetDeviceInformationResponse></env:Body></env:Envelope>` + "\n"
}

// upnpBody is a UPnP device description (UPnP Device Architecture 1.1 §2.3).
func upnpBody(d UPnPInfo) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?>` + "\n" + `<root xmlns="urn:schemas-upnp-org:device-1-0">` +
		`<specVersion><major>1</major><minor>0</minor></specVersion><device>`)
	for _, f := range [][2]string{{"deviceType", d.DeviceType}, {"friendlyName", d.FriendlyName},
		{"manufacturer", d.Manufacturer}, {"manufacturerURL", d.ManufacturerURL}, {"modelName", d.ModelName},
		{"modelNumber", d.ModelNumber}, {"UDN", "uuid:" + d.UUID}} {
		if f[1] != "" {
			fmt.Fprintf(&b, "<%s>%s</%s>", f[0], esc(f[1]), f[0])
		}
	}
	b.WriteString("</device></root>\n")
	return b.String()
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// httpHandler serves HTTP/1.x on a connection: keep-alive up to 100
// requests, each bounded in time (idleTimeout) and size (maxRequest).
func (s *service) httpHandler() func(net.Conn) {
	pages := s.dev.profile.Pages(s.svc.Port)
	return func(c net.Conn) {
		br := bufio.NewReader(io.LimitReader(c, maxRequest))
		for range 100 {
			c.SetReadDeadline(time.Now().Add(idleTimeout))
			req, err := http.ReadRequest(br)
			if err != nil {
				if err != io.EOF && !isTimeout(err) {
					c.SetWriteDeadline(time.Now().Add(idleTimeout))
					io.WriteString(c, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
				}
				finish(c)
				return
			}
			body, _ := io.ReadAll(io.LimitReader(req.Body, 64<<10))
			resp, closeAfter := s.respondHTTP(pages, req, body)
			c.SetWriteDeadline(time.Now().Add(idleTimeout))
			if _, err := c.Write(resp); err != nil {
				return
			}
			if closeAfter || req.Close {
				finish(c)
				return
			}
		}
		finish(c)
	}
}

// respondHTTP builds the reply to one request, headers in the profile's
// order and spelling, and says whether to close afterwards.
func (s *service) respondHTTP(pages []Page, req *http.Request, body []byte) ([]byte, bool) {
	hs := s.svc.HTTP
	var page *Page
	wrongMethod := false
	for i := range pages {
		if pages[i].Path != req.RequestURI {
			continue
		}
		m := req.Method
		if m == "HEAD" {
			m = "GET"
		}
		if pages[i].method() == m {
			page = &pages[i]
			break
		}
		wrongMethod = true
	}
	status, ctype, auth, content := 404, "", "", ""
	switch {
	case page != nil && page.Action != "" && !bytes.Contains(body, []byte(page.Action)):
		status = 400
	case page != nil:
		status, ctype = page.status(), page.ContentType
		if page.Auth != nil {
			auth = s.text(page.Auth)
		}
		if page.Body != nil {
			content = s.text(page.Body)
		}
		if len(page.Accounts) > 0 {
			if page.acceptsBasic(req) {
				status, auth = http.StatusOK, ""
			} else {
				ctype, content = "", ""
			}
		}
	case wrongMethod:
		status = 405
	}
	if req.Method == "HEAD" {
		content = ""
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	if hs.Server != nil {
		fmt.Fprintf(&b, "Server: %s\r\n", s.text(hs.Server))
	}
	closeAfter := false
	for _, h := range hs.Headers {
		fmt.Fprintf(&b, "%s: %s\r\n", h.Name, expand(h.Value, s.dev.Addr, s.dev.hw))
		if strings.EqualFold(h.Name, "connection") && strings.EqualFold(h.Value, "close") {
			closeAfter = true
		}
	}
	if auth != "" {
		fmt.Fprintf(&b, "WWW-Authenticate: %s\r\n", auth)
	}
	if ctype != "" {
		fmt.Fprintf(&b, "Content-Type: %s\r\n", ctype)
	}
	b.WriteString("Content-Length: " + strconv.Itoa(len(content)) + "\r\n")
	if !closeAfter && req.Close {
		b.WriteString("Connection: close\r\n")
	}
	b.WriteString("\r\n")
	b.WriteString(content)
	return b.Bytes(), closeAfter
}

// acceptsBasic reports whether req's Authorization is HTTP Basic (RFC 7617)
// for one of the page's accounts.
func (pg *Page) acceptsBasic(req *http.Request) bool {
	user, password, ok := req.BasicAuth()
	if !ok {
		return false
	}
	for _, a := range pg.Accounts {
		if a.User == user && subtle.ConstantTimeCompare([]byte(a.Password), []byte(password)) == 1 {
			return true
		}
	}
	return false
}

// serveTLS runs h over TLS with the handshake bounded by idleTimeout.
func serveTLS(c net.Conn, cfg *tls.Config, h func(net.Conn)) {
	tc := tls.Server(c, cfg)
	tc.SetDeadline(time.Now().Add(idleTimeout))
	if err := tc.Handshake(); err != nil {
		c.Close()
		return
	}
	tc.SetDeadline(time.Time{})
	h(tc)
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}
