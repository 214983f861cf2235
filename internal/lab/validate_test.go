package lab

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestValidateRejectsBadProfiles(t *testing.T) {
	good := func() Profile {
		return Profile{Name: "x", Vendor: "v", Kind: "camera",
			Truth:    Truth{Manufacturer: "v", Status: StatusNotCovered},
			Services: []Service{{Port: 22, SSH: &Text{Value: "SSH-2.0-x", Source: "s"}}}}
	}
	for _, tc := range []struct {
		name string
		edit func(p *Profile)
		want string
	}{
		{"no source", func(p *Profile) { p.Services[0].SSH.Source = "" }, `tcp/22 ssh banner: reply "SSH-2.0-x" has no source`},
		{"two protocols", func(p *Profile) { p.Services[0].FTP = &Text{"220", "s"} }, "services[0] (port 22): want exactly one protocol, have 2"},
		{"port twice", func(p *Profile) { p.Services = append(p.Services, p.Services[0]) }, "services[1]: tcp/22 used twice"},
		{"covered without entity", func(p *Profile) { p.Truth.Status = StatusCovered }, "truth: status covered needs covered_entity"},
		{"bad status", func(p *Profile) { p.Truth.Status = "maybe" }, `truth: status "maybe" is not covered`},
		{"hostile service on a device", func(p *Profile) {
			p.Services = append(p.Services, Service{Port: 80, Hostile: &HostileSpec{Mode: HostileFlood, Source: "s"}})
		}, "services[1]: hostile service on a device whose status is not_covered"},
		{"dangling XAddrs", func(p *Profile) {
			p.Services = append(p.Services, Service{Port: 3702, WSD: &WSDSpec{Scopes: Text{"s", "s"}, XAddrPort: 80, Device: ONVIFInfo{Source: "s"}}})
		}, "XAddrs http://addr:80/onvif/device_service: no HTTP service on that port"},
		{"accounts without a Basic challenge", func(p *Profile) {
			p.Services = append(p.Services, basicPage(func(pg *Page) { pg.Auth.Value = `Digest realm="x", nonce="1"` }))
		}, "page /p: accounts need a Basic challenge in auth"},
		{"accounts without a challenge", func(p *Profile) {
			p.Services = append(p.Services, basicPage(func(pg *Page) { pg.Auth = nil }))
		}, "page /p: accounts need a Basic challenge in auth"},
		{"accounts without a body", func(p *Profile) {
			p.Services = append(p.Services, basicPage(func(pg *Page) { pg.Body = nil }))
		}, "page /p: accounts need a body"},
		{"accounts with a status", func(p *Profile) {
			p.Services = append(p.Services, basicPage(func(pg *Page) { pg.Status = 403 }))
		}, "page /p: accounts set the status"},
		{"account without a user", func(p *Profile) {
			p.Services = append(p.Services, basicPage(func(pg *Page) { pg.Accounts[0].User = "" }))
		}, "page /p: accounts[0]: user \"\": want a non-empty user without a colon"},
		{"account user with a colon", func(p *Profile) {
			p.Services = append(p.Services, basicPage(func(pg *Page) { pg.Accounts[0].User = "a:b" }))
		}, "want a non-empty user without a colon"},
		{"account without a password", func(p *Profile) {
			p.Services = append(p.Services, basicPage(func(pg *Page) { pg.Accounts[0].Password = "" }))
		}, "page /p: accounts[0] (admin): no password"},
		{"account without a source", func(p *Profile) {
			p.Services = append(p.Services, basicPage(func(pg *Page) { pg.Accounts[0].Source = " " }))
		}, "page /p: accounts[0] (admin): no source"},
		{"bad engine id", func(p *Profile) {
			p.Services = append(p.Services, Service{Port: 161, SNMP: &SNMPSpec{EngineID: &Text{"80zz", "s"}}})
		}, "engine_id: encoding/hex"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := good()
			if err := p.Validate(); err != nil {
				t.Fatalf("the good profile fails: %v", err)
			}
			tc.edit(&p)
			err := p.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// basicPage is an HTTP service on port 80 with one valid Basic-account
// page, after edit.
func basicPage(edit func(pg *Page)) Service {
	pg := Page{Path: "/p", Auth: &Text{`Basic realm="x"`, "s"}, Body: &Text{"ok", "s"},
		Accounts: []Account{{User: "admin", Password: "pw", Source: "s"}}}
	edit(&pg)
	return Service{Port: 80, HTTP: &HTTPSpec{Pages: []Page{pg}}}
}

func TestLoadProfilesIsStrict(t *testing.T) {
	fsys := fstest.MapFS{
		"d/a.yaml": {Data: []byte("profiles:\n  - name: a\n    vendor: v\n    kind: camera\n    colour: red\n")},
	}
	_, err := LoadProfiles(fsys, "d")
	if err == nil || !strings.Contains(err.Error(), `unknown field "colour"`) {
		t.Errorf("error %v, want the unknown field named", err)
	}
	fsys = fstest.MapFS{
		"d/a.yaml": {Data: []byte("profiles:\n  - {name: a, vendor: v, kind: k, truth: {status: unidentified}, services: [{port: 22, ssh: {value: x, source: s}}]}\n")},
		"d/b.yaml": {Data: []byte("profiles:\n  - {name: a, vendor: v, kind: k, truth: {status: unidentified}, services: [{port: 22, ssh: {value: x, source: s}}]}\n")},
	}
	if _, err := LoadProfiles(fsys, "d"); err == nil || !strings.Contains(err.Error(), "d/b.yaml: profile a already defined in d/a.yaml") {
		t.Errorf("error %v, want the duplicate named", err)
	}
}
