package inventory

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coveredtool/covered"
	"github.com/coveredtool/covered/internal/importer"
	"github.com/coveredtool/covered/internal/importer/importtest"
	"github.com/coveredtool/covered/internal/importer/textfile"
)

// seen is the modification time the tests give every file.
var seen = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// The samples under testdata/ follow each product's documented export
// layout: Intune's device list export (quoted, UTF-8 BOM, CRLF), a Jamf
// Pro advanced computer search (comma) and mobile device search
// (tab-delimited), a ServiceNow cmdb_ci list export with field names and
// semicolons (as European locales write it), and a home-grown register
// with title rows. The Lansweeper workbook is built by lansweeperWorkbook.
// Each holds deliberately bad rows.
var cases = []struct {
	name, format, file string
	wantObs            int
	wantBad            []int // lines (rows) reported bad, in order
}{
	{"intune", "inventory-csv", "intune-devices.csv", 39, []int{6, 7, 8}},
	{"jamf-computers", "inventory-csv", "jamf-computers.csv", 25, []int{5}},
	{"jamf-mobile", "inventory-csv", "jamf-mobile.tsv", 29, []int{4}},
	{"servicenow", "inventory-csv", "servicenow-cmdb_ci.csv", 32, []int{6, 7, 9, 10}},
	{"asset-register", "inventory-csv", "asset-register.csv", 11, []int{8}},
	{"lansweeper", "inventory-xlsx", "lansweeper.xlsx", 38, []int{8, 9}},
}

// input returns a case's bytes: the file under testdata/, or the
// generated workbook.
func input(t testing.TB, file string) []byte {
	t.Helper()
	if file == "lansweeper.xlsx" {
		return lansweeperWorkbook(t)
	}
	return importtest.Testdata(t, file)
}

// run reads data with the named format as the file name, with cols as
// --map.
func run(t testing.TB, format string, data []byte, name string, cols map[string]string) ([]covered.Observation, []*importer.RecordError, error) {
	t.Helper()
	return importtest.Run(t, importtest.Lookup(t, format), data, importer.Source{Name: name, Seen: seen, Options: importer.Options{Columns: cols}})
}

func TestRead(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obs, bad, err := run(t, tc.format, input(t, tc.file), tc.file, nil)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			importtest.CheckBadLines(t, bad, tc.file, tc.wantBad)
			if len(obs) != tc.wantObs {
				t.Errorf("%d observations, want %d", len(obs), tc.wantObs)
			}
			importtest.CheckObs(t, tc.format, obs)
			for _, o := range obs {
				if !o.Seen.Equal(seen) {
					t.Errorf("observation %+v not seen at the file's time", o)
				}
				if o.IP != "" && o.Host != o.IP {
					t.Errorf("host %q is not the row's IP %q", o.Host, o.IP)
				}
			}
			importtest.Golden(t, filepath.Join("testdata", tc.file+".golden"), obs, bad)
		})
	}
}

// TestRowErrors checks the exact reasons of bad rows: each names its
// column and what is wrong, and the rest of the row is still used.
func TestRowErrors(t *testing.T) {
	const header = "Device name,Manufacturer,Model,Serial number,IMEI,Wi-Fi MAC,IP address\n"
	for _, tc := range []struct {
		name, row string
		want      string
		is        error
		wantObs   []string // keys
	}{
		{"luhn", "p1,ZTE,Blade,SN123456,490154203237519,,", `"IMEI": bad IMEI "490154203237519": check digit does not match (Luhn)`, ErrIMEI,
			[]string{"hostname", "inventory.manufacturer", "inventory.model", "inventory.serial"}},
		{"imei-length", "p1,,,,4901542032,,", `"IMEI": bad IMEI "4901542032": 10 digits, want 15 (or 14 or 16)`, ErrIMEI, []string{"hostname"}},
		{"imei-float", "p1,,,,3.53918E+14,,", `bad IMEI "3.53918E+14": not digits (a spreadsheet turned it into a number; format the column as text)`, ErrIMEI, []string{"hostname"}},
		{"mac", "p1,,,,,00:e0:fc:12:34,", `"Wi-Fi MAC": `, nil, []string{"hostname"}},
		{"ip", "p1,,,,,,10.0.0.256", `"IP address": bad IP address "10.0.0.256"`, nil, []string{"hostname"}},
		{"no-id", ",Huawei,P40,,,,", "no IP address, MAC address, name or serial to identify the device", ErrNoIdentifier, nil},
		{"short-serial", ",Huawei,P40,123,,,", "no IP address", ErrNoIdentifier, nil},
		{"placeholder-serial", ",Huawei,P40,Default string,,,", "no IP address", ErrNoIdentifier, nil},
		{"too-long", "p1," + strings.Repeat("x", maxValue+1) + ",,,,,", fmt.Sprintf(`"Manufacturer": %d bytes, longer than %d`, maxValue+1, maxValue), nil, []string{"hostname"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obs, bad, err := run(t, "inventory-csv", []byte(header+tc.row+"\n"), "t.csv", nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(bad) != 1 || bad[0].Line != 2 || !strings.Contains(bad[0].Error(), tc.want) {
				t.Fatalf("bad = %v, want one error at line 2 containing %q", bad, tc.want)
			}
			if tc.is != nil && !errors.Is(bad[0], tc.is) {
				t.Errorf("errors.Is(%v, %v) = false", bad[0], tc.is)
			}
			var keys []string
			for _, o := range obs {
				keys = append(keys, o.Key)
			}
			if !slices.Equal(keys, tc.wantObs) {
				t.Errorf("keys %v, want %v", keys, tc.wantObs)
			}
		})
	}
}

// TestHost checks the choice of Host and of the IP and MAC every
// observation of a row carries.
func TestHost(t *testing.T) {
	const header = "Device name,Serial number,Ethernet MAC,Wi-Fi MAC,Bluetooth MAC,IP Address,Model\n"
	for _, tc := range []struct {
		row, host, ip, mac string
	}{
		{"n,SN0001,00:e0:fc:00:00:01,00:e0:fc:00:00:02,,10.0.0.1,m", "10.0.0.1", "10.0.0.1", "00:e0:fc:00:00:01"},
		{"n,SN0001,,00:e0:fc:00:00:02,00:e0:fc:00:00:03,,m", "00:e0:fc:00:00:02", "", "00:e0:fc:00:00:02"},
		{"n,SN0001,00:00:00:00:00:00,,,,m", "n", "", ""},
		{",SN0001,,,,,m", "serial:SN0001", "", ""},
		{"n,SN0001,,,,fe80::1%eth0,m", "n", "", ""}, // zoned address: reported, not used
		{"n,,,,,2001:DB8::1,m", "2001:db8::1", "2001:db8::1", ""},
		{"n,,,,,\"10.0.0.7, 192.168.1.7\",m", "10.0.0.7", "10.0.0.7", ""},
	} {
		obs, _, err := run(t, "inventory-csv", []byte(header+tc.row+"\n"), "t.csv", nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(obs) == 0 {
			t.Errorf("%s: no observations", tc.row)
			continue
		}
		for _, o := range obs {
			if o.Host != tc.host || o.IP != tc.ip || o.MAC != tc.mac {
				t.Errorf("%s: observation %+v, want host %q ip %q mac %q", tc.row, o, tc.host, tc.ip, tc.mac)
				break
			}
		}
	}
}

// TestCSVRecords checks the bounded CSV reader: quoted fields across
// lines keep the line numbers right, and over-long or over-wide records
// and unclosed quotes are reported where they start.
func TestCSVRecords(t *testing.T) {
	long := strings.Repeat("x", maxRecord+10)
	wide := strings.Repeat(",", maxColumns+1)
	data := "Name,Model,Serial\n" +
		"a,\"two\nlines\",SN0001\n" + // line 2-3
		"b,\"" + long + "\",SN0002\n" + // line 4: too long, quoted
		"c," + long + ",SN0003\n" + // line 5: too long, unquoted
		"d" + wide + "\n" + // line 6: too wide
		"e,\"say \"\"hi\"\"\",SN0005\r\n" + // line 7
		"f,\"unclosed,SN0006\n" + // line 8: runs to the end
		"g,m,SN0007\n"
	obs, bad, err := run(t, "inventory-csv", []byte(data), "t.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range bad {
		got = append(got, fmt.Sprintf("%d: %v", e.Line, e.Err))
	}
	want := []string{
		fmt.Sprintf("4: record longer than %d bytes", maxRecord),
		fmt.Sprintf("5: record longer than %d bytes", maxRecord),
		fmt.Sprintf("6: record of more than %d fields", maxColumns),
		"8: quoted field not closed before the end of the file",
	}
	if !slices.Equal(got, want) {
		t.Errorf("bad records:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !errors.Is(bad[0], textfile.ErrLong) {
		t.Errorf("errors.Is(%v, textfile.ErrLong) = false", bad[0])
	}
	var values []string
	for _, o := range obs {
		if o.Key == "inventory.model" {
			values = append(values, o.Host+"="+o.Value)
		}
	}
	if want := []string{"a=two\nlines", `e=say "hi"`}; !slices.Equal(values, want) {
		t.Errorf("models %q, want %q", values, want)
	}
}

// TestDelimiters checks that each delimiter is found, with and without a
// BOM, CRLF and title rows.
func TestDelimiters(t *testing.T) {
	for _, tc := range []struct{ name, data string }{
		{"comma", "Device name,Manufacturer,Model\nn1,ZTE,Blade\n"},
		{"semicolon", "Device name;Manufacturer;Model\nn1;ZTE;Blade\n"},
		{"tab", "Device name\tManufacturer\tModel\nn1\tZTE\tBlade\n"},
		{"bom-crlf", "\ufeffDevice name,Manufacturer,Model\r\nn1,ZTE,Blade\r\n"},
		{"bom-quoted", "\ufeff\"Device name\",\"Manufacturer\",\"Model\"\r\n\"n1\",\"ZTE\",\"Blade\"\r\n"},
		{"spaces-before-quotes", "Device name, \"Manufacturer\", \"Model\"\nn1, \"ZTE\", \"Blade\"\n"},
		{"title", "Devices, exported 2026-11-27\n\nDevice name;Manufacturer;Model\nn1;ZTE;Blade\n"},
		{"semicolon-with-commas", "Device name;Manufacturer;Model\nn1;ZTE Corporation, Shenzhen;Blade\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obs, bad, err := run(t, "inventory-csv", []byte(tc.data), "t.csv", nil)
			if err != nil || len(bad) > 0 {
				t.Fatalf("Read: %v, bad %v", err, bad)
			}
			if len(obs) != 3 || obs[0].Host != "n1" || obs[1].Key != "inventory.manufacturer" || !strings.HasPrefix(obs[1].Value, "ZTE") || obs[2].Value != "Blade" {
				t.Errorf("observations %+v", obs)
			}
		})
	}
}

// TestReadErrors checks the errors that end Read before any row.
func TestReadErrors(t *testing.T) {
	for _, tc := range []struct {
		name, format string
		data         []byte
		want         string
	}{
		{"no-header", "inventory-csv", []byte("Gerät,Hersteller,Seriennummer\nx,y,z\n"),
			`t: no inventory header in the first 10 rows (saw: "Gerät", "Hersteller", "Seriennummer"); name the columns with --map FIELD=COLUMN, fields manufacturer, model, serial, imei, mac, ip, hostname`},
		{"empty", "inventory-csv", nil, "t: no rows"},
		{"utf16", "inventory-csv", []byte("\xff\xfeD\x00e\x00"), "t: UTF-16 text; save the export as CSV UTF-8"},
		{"not-zip", "inventory-xlsx", []byte("Device name,Model\n"), "t: not an XLSX workbook (no zip directory)"},
		{"xls", "inventory-xlsx", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...),
			"t: a legacy .xls or password-protected workbook; save it as .xlsx without a password"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obs, _, err := run(t, tc.format, tc.data, "t", nil)
			if err == nil || err.Error() != tc.want {
				t.Errorf("Read = %v, want %q", err, tc.want)
			}
			if len(obs) > 0 {
				t.Errorf("%d observations before the error", len(obs))
			}
		})
	}
}

// TestEmitError checks that an error from emit ends Read with that error.
func TestEmitError(t *testing.T) {
	for _, tc := range cases {
		importtest.StopsOnEmitError(t, importtest.Lookup(t, tc.format), input(t, tc.file), importer.Source{Name: tc.file, Seen: seen})
	}
}

// TestCancel checks that a cancelled context ends Read.
func TestCancel(t *testing.T) {
	for _, tc := range cases {
		importtest.StopsWhenCanceled(t, importtest.Lookup(t, tc.format), input(t, tc.file), importer.Source{Name: tc.file, Seen: seen})
	}
}

func TestIMEI(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"490154203237518", "490154203237518"},
		{"49-015420-323751-8", "490154203237518"},
		{"35 209900 176148 1", "352099001761481"},
		{"49015420323751", "49015420323751"},     // without check digit
		{"4901542032375101", "4901542032375101"}, // IMEISV
		{"490154203237517", ""},
		{"4901542032375", ""},
		{"A0000000001234", ""}, // a MEID
		{"000000000000000", ""},
		{"", ""},
	} {
		got, err := normIMEI(tc.in)
		if got != tc.want || (err == nil) != (tc.want != "" || tc.in == "000000000000000") {
			t.Errorf("normIMEI(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestNorm(t *testing.T) {
	for in, want := range map[string]string{
		"Wi-Fi MAC":         "wifimac",
		"wifi_mac":          "wifimac",
		" Serial  Number ":  "serialnumber",
		"\ufeffDevice name": "devicename",
		"IP-Adresse":        "ipadresse",
		"Gerät":             "gerät",
		"MAC Address (1)":   "macaddress1",
	} {
		if got := norm(in); got != want {
			t.Errorf("norm(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSynonyms checks that the header names of each product's export are
// recognised as the field they hold.
func TestSynonyms(t *testing.T) {
	for header, want := range map[string]field{
		// Intune
		"Device name": fHostname, "Serial number": fSerial, "Manufacturer": fManufacturer, "Model": fModel,
		"IMEI": fIMEI, "Wi-Fi MAC": fMAC, "Ethernet MAC": fMAC, "wiFiMacAddress": fMAC, "ethernetMacAddress": fMAC,
		// Jamf Pro
		"Computer Name": fHostname, "Make": fManufacturer, "Model Identifier": fModel, "MAC Address": fMAC,
		"Alternate MAC Address": fMAC, "IP Address": fIP, "Reported IP Address": fIP, "Last Reported IP Address": fIP,
		"Wi-Fi MAC Address": fMAC, "Bluetooth MAC Address": fMAC, "Mobile Device Name": fHostname, "Model Number": fModel,
		// ServiceNow
		"name": fHostname, "manufacturer": fManufacturer, "model_id": fModel, "model_number": fModel,
		"serial_number": fSerial, "mac_address": fMAC, "ip_address": fIP, "host_name": fHostname, "fqdn": fHostname,
		// Lansweeper
		"AssetName": fHostname, "Serialnumber": fSerial, "SerialNumber": fSerial, "Mac": fMAC, "IPAddress": fIP,
	} {
		s, ok := synonymOf[norm(header)]
		if !ok || s.f != want {
			t.Errorf("%q: %v %v, want %v", header, s.f, ok, want)
		}
	}
	for _, h := range []string{"MEID", "OS", "Ownership", "Managed by", "Domain", "Asset tag", "sys_class_name", "Phone number", "Primary user display name"} {
		if s, ok := synonymOf[norm(h)]; ok {
			t.Errorf("%q recognised as %v", h, s.f)
		}
	}
}
