package httpprobe

import "bytes"

// vendor is one maker's read-only pages that reveal the device model without
// credentials, with markers that say the device is probably that maker's.
// Sources: shared/domain/README.md §7-8 and signals_other.csv.
type vendor struct {
	name string
	// paths are fetched in order with GET; after the first, only while the
	// device does not answer "no such page".
	paths []string
	// hints are lower-case substrings of the root response (headers and
	// body prefix) that point at this maker.
	hints []string
}

// vendors lists the pages, in the order they are tried. Every path is a
// plain GET of a documented information page; none logs in, changes state
// or exploits anything.
var vendors = []vendor{
	{
		// ISAPI device information and the web-language page
		// (nuclei templates CVE-2017-7921 and CVE-2021-36260 name both;
		// we only read them).
		name:  "hikvision",
		paths: []string{"/ISAPI/System/deviceInfo", "/SDK/webLanguage"},
		hints: []string{"hikvision", "dnvrs-webs", "dvrdvs-webs", "app-webs/", "/doc/page/login.asp"},
	},
	{
		// magicBox CGI of the Dahua HTTP API (also Amcrest, Lorex and
		// other Dahua OEM firmware).
		name:  "dahua",
		paths: []string{"/cgi-bin/magicBox.cgi?action=getSystemInfo", "/cgi-bin/magicBox.cgi?action=getDeviceType"},
		hints: []string{"dahua", "p3p: cp=cao psa our", "/rpc2_login"},
	},
	{
		// HiLink device information (the session-token page is left out
		// on purpose: it hands out a token).
		name:  "huawei",
		paths: []string{"/api/device/information"},
		hints: []string{"huawei", "hilink", "echolife"},
	},
	{
		// Presence of the F460/F660 shell page (CVE-2014-2321). GET only:
		// the form is never submitted.
		name:  "zte",
		paths: []string{"/web_shell_cmd.gch"},
		hints: []string{"zte corp", "zxhn", "zxv10", "ztecorp"},
	},
}

// plan returns the vendors whose pages are worth asking for, given the root
// response. When the root names one or more makers, the device is clearly
// not one of the others, so only those are asked; when it names none, all
// are, since many devices show nothing but a login form at the root.
func plan(root []byte) []vendor {
	lower := bytes.ToLower(root)
	var hinted []vendor
	for _, v := range vendors {
		for _, h := range v.hints {
			if bytes.Contains(lower, []byte(h)) {
				hinted = append(hinted, v)
				break
			}
		}
	}
	if len(hinted) > 0 {
		return hinted
	}
	return vendors
}

// absent reports whether status says the page does not exist or the request
// is not served there; the rest of that vendor's pages are then skipped
// and nothing from the page is kept but new header values.
func absent(status int) bool {
	switch status {
	case 400, 404, 405, 410, 501:
		return true
	}
	return false
}
