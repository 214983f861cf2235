package inventory

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// field is what a column holds, as far as identification cares.
type field int

const (
	fManufacturer field = iota
	fModel
	fSerial
	fIMEI
	fMAC
	fIP
	fHostname
	numFields
)

// fieldNames are the names --map takes (importer.Options.Columns keys).
var fieldNames = [numFields]string{"manufacturer", "model", "serial", "imei", "mac", "ip", "hostname"}

func (f field) String() string { return fieldNames[f] }

// asset reports whether f describes the device itself rather than where it
// sits on the network: a table with only addresses and names is a lease or
// neighbour table, not an inventory, so detection wants one of these.
func (f field) asset() bool {
	return f == fManufacturer || f == fModel || f == fSerial || f == fIMEI
}

// synonyms are the header names of real exports, field by field and best
// first, already normalised (see norm). They were collected from the column
// names the products document for their exports: Microsoft Intune's device
// list export and the Graph managedDevice properties it mirrors; Jamf Pro's
// computer and mobile device inventory, advanced-search exports and
// database column names; ServiceNow cmdb_ci field names and their labels
// (the CSV export writes names, the Excel export labels); Lansweeper's
// tblAssets/tblAssetCustom report columns and its cloud export labels.
//
// A weak name is used only when the header has no strong name for the same
// field: ServiceNow's "vendor" is the supplier a device was bought from,
// and a bare "name" may be a person's, so they must not outrank a real
// manufacturer or device-name column.
var synonyms = []struct {
	f     field
	weak  bool
	names []string
}{
	// Intune/ServiceNow/Lansweeper "Manufacturer", Jamf "Make".
	{fManufacturer, false, []string{"manufacturer", "manufacturername", "make", "devicemanufacturer",
		"hardwaremanufacturer", "systemmanufacturer", "mfr", "oem"}},
	{fManufacturer, true, []string{"vendor", "brand"}},
	// Intune/Jamf/Lansweeper "Model"; ServiceNow model_id ("Model ID", the
	// model's display name) and model_number; Jamf "Model Identifier"
	// (MacBookPro18,3) and mobile "Model Number" (MU7A2LL/A).
	{fModel, false, []string{"model", "modelname", "devicemodel", "hardwaremodel", "systemmodel",
		"productmodel", "modelid", "modelnumber", "modelidentifier"}},
	{fModel, true, []string{"product", "productname"}},
	// "Serial number" / serial_number / Lansweeper "Serialnumber"; Dell's
	// "Service Tag" is its serial.
	{fSerial, false, []string{"serialnumber", "serial", "serialno", "sn", "hardwareserialnumber",
		"systemserialnumber", "deviceserialnumber", "servicetag"}},
	// Intune and Jamf mobile "IMEI"; dual-SIM exports add a second one. MEID
	// (CDMA, hex) is not an IMEI and is left out.
	{fIMEI, false, []string{"imei", "imeinumber", "imei1", "imei2", "secondaryimei"}},
	// Every MAC column is read; the first one found on a row addresses the
	// device, so wired and Wi-Fi interfaces come before Bluetooth.
	{fMAC, false, []string{"macaddress", "mac", "primarymacaddress", "ethernetmac", "ethernetmacaddress",
		"wiredmac", "wiredmacaddress", "wifimac", "wifimacaddress", "wlanmac", "wlanmacaddress",
		"wirelessmac", "wirelessmacaddress", "alternatemacaddress", "altmacaddress",
		"secondarymacaddress", "macaddresses", "physicaladdress", "bluetoothmac", "bluetoothmacaddress"}},
	// Jamf's "IP Address" is the address the device reached Jamf Pro from
	// (often a NAT gateway shared by many); its reported address is the
	// device's own, so it comes first.
	{fIP, false, []string{"reportedipaddress", "lastreportedipaddress", "lastreportedip", "ipaddress", "ip",
		"ipv4address", "ipv4", "primaryipaddress", "managementipaddress", "mgmtip", "lastipaddress"}},
	// Intune "Device name", Jamf "Computer Name" / "Mobile Device Name",
	// Lansweeper AssetName, ServiceNow host_name and fqdn.
	{fHostname, false, []string{"hostname", "host", "devicename", "computername", "assetname",
		"mobiledevicename", "machinename", "netbiosname", "dnsname", "fqdn", "fullyqualifieddomainname"}},
	{fHostname, true, []string{"name", "displayname", "devicedisplayname"}},
}

// synonym is one header name's meaning; rank orders the names of a field.
type synonym struct {
	f    field
	weak bool
	rank int
}

var synonymOf = func() map[string]synonym {
	m := map[string]synonym{}
	rank := 0
	for _, s := range synonyms {
		for _, n := range s.names {
			if _, dup := m[n]; dup || norm(n) != n {
				panic("inventory: synonym " + n + " listed twice or not normalised")
			}
			m[n] = synonym{s.f, s.weak, rank}
			rank++
		}
	}
	return m
}()

// maxHeaderName bounds the header cells worth normalising: no synonym is
// anywhere near as long.
const maxHeaderName = 256

// norm folds a header name for matching: lower case, letters and digits
// only, so "Wi-Fi MAC", "wifi_mac" and "WiFiMac" meet.
func norm(s string) string {
	if len(s) > maxHeaderName {
		return ""
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// overrides are the user's --map settings: field to normalised header, and
// the header as given, for messages.
type overrides struct {
	norm, raw [numFields]string
	n         int
}

// parseMap checks --map settings (importer.Options.Columns). It fails on an
// unknown field name or a column name that cannot match any header.
func parseMap(cols map[string]string) (overrides, error) {
	var o overrides
	keys := make([]string, 0, len(cols))
	for k := range cols {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := cols[k]
		i := slices.Index(fieldNames[:], strings.ToLower(strings.TrimSpace(k)))
		if i < 0 {
			return o, fmt.Errorf("--map %s=%s: unknown field %q (fields: %s)", k, v, k, strings.Join(fieldNames[:], ", "))
		}
		n := norm(v)
		if n == "" {
			return o, fmt.Errorf("--map %s=%s: column name has no letters or digits to match", k, v)
		}
		o.norm[i], o.raw[i] = n, v
		o.n++
	}
	return o, nil
}

// layout says which columns hold which field, best column first.
type layout struct {
	cols   [numFields][]int
	header []string
	score  int // number of fields found
}

// newLayout reads a header row. Columns named by --map are taken first and
// are not matched again; missing lists the --map fields whose column is not
// in the row.
func newLayout(header []string, o overrides) (l layout, missing []field) {
	l.header = header
	names := make([]string, len(header))
	for i, h := range header {
		names[i] = norm(strings.TrimSpace(h))
	}
	taken := make([]bool, len(header))
	for f := range numFields {
		if o.norm[f] == "" {
			continue
		}
		i := slices.Index(names, o.norm[f])
		if i < 0 {
			missing = append(missing, f)
			continue
		}
		l.cols[f], taken[i] = []int{i}, true
	}
	type cand struct {
		col int
		syn synonym
	}
	var found [numFields][]cand
	for i, n := range names {
		s, ok := synonymOf[n]
		if !ok || taken[i] || o.norm[s.f] != "" {
			continue
		}
		found[s.f] = append(found[s.f], cand{i, s})
	}
	for f, cs := range found {
		strong := slices.ContainsFunc(cs, func(c cand) bool { return !c.syn.weak })
		cs = slices.DeleteFunc(cs, func(c cand) bool { return strong && c.syn.weak })
		slices.SortStableFunc(cs, func(a, b cand) int { return a.syn.rank - b.syn.rank })
		for _, c := range cs {
			l.cols[f] = append(l.cols[f], c.col)
		}
	}
	// Of several address columns only the best is read: they mean
	// different things (Jamf's "IP Address" is often a NAT gateway shared
	// by many devices), so a row must not fall back from one to another.
	if len(l.cols[fIP]) > 1 {
		l.cols[fIP] = l.cols[fIP][:1]
	}
	for f := range numFields {
		if len(l.cols[f]) > 0 {
			l.score++
		}
	}
	return l, missing
}

// hasAsset reports whether the layout found a column describing the device.
func (l *layout) hasAsset() bool {
	for f := range numFields {
		if f.asset() && len(l.cols[f]) > 0 {
			return true
		}
	}
	return false
}

// maxHeaderRows is how far down a sheet the header may be: exports often
// start with a title, a date or a filter description.
const maxHeaderRows = 10

// headerFinder watches the first rows of a table for its header.
type headerFinder struct {
	o     overrides
	rows  int      // non-blank rows seen
	first []string // first non-blank row
	best  layout   // best row without --map, for messages
	found bool
	lay   layout // the header, once found
}

// offer looks at one row; it reports whether the search is over (found or
// too far down).
func (h *headerFinder) offer(cells []string) (done bool) {
	if blank(cells) {
		return false
	}
	h.rows++
	if h.first == nil {
		h.first = slices.Clone(cells)
	}
	if !commentRow(cells) {
		l, missing := newLayout(slices.Clone(cells), h.o)
		switch {
		case len(missing) == 0 && (l.score >= 2 || (h.o.n > 0 && l.score >= 1)):
			h.found, h.lay = true, l
			return true
		case h.o.n > 0:
			if bare, _ := newLayout(l.header, overrides{}); bare.score > h.best.score {
				h.best = bare
			}
		case l.score > h.best.score:
			h.best = l
		}
	}
	return h.rows >= maxHeaderRows
}

// seen is the row to show when no header was found: the best candidate,
// else the first row.
func (h *headerFinder) seen() []string {
	if h.best.score > 0 {
		return h.best.header
	}
	return h.first
}

// err explains why no header was found: a --map column missing from the
// row that looks most like a header, or no recognised columns at all.
func (h *headerFinder) err(where string) error {
	seen := h.seen()
	if h.o.n > 0 {
		_, missing := newLayout(seen, h.o)
		if len(missing) > 0 {
			f := missing[0]
			return fmt.Errorf("--map %s=%s: no column %q in the header%s (columns: %s)", f, h.o.raw[f], h.o.raw[f], where, describe(seen))
		}
	}
	if h.first == nil {
		return fmt.Errorf("no rows%s", where)
	}
	return fmt.Errorf("no inventory header in the first %d rows%s (saw: %s); name the columns with --map FIELD=COLUMN, fields %s",
		maxHeaderRows, where, describe(seen), strings.Join(fieldNames[:], ", "))
}

// commentRow is a row that cannot be a header: Zeek ("#fields") and W3C
// ("#Fields:") logs put their column names after a '#'.
func commentRow(cells []string) bool {
	c := strings.TrimSpace(cells[0])
	return len(c) > 1 && c[0] == '#' && unicode.IsLetter(rune(c[1]))
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// describe lists header cells for a message, bounded.
func describe(cells []string) string {
	const maxCells, maxLen = 24, 40
	var b strings.Builder
	for i, c := range cells {
		if i == maxCells {
			fmt.Fprintf(&b, ", ... (%d more)", len(cells)-i)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(clip(strings.TrimSpace(c), maxLen)))
	}
	if b.Len() == 0 {
		return "nothing"
	}
	return b.String()
}

// clip shortens s to at most n bytes without splitting a UTF-8 sequence.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
