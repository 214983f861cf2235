package inventory

import (
	"slices"
	"testing"

	"github.com/coveredtool/covered/internal/importer/importtest"
)

// TestMap checks --map (importer.Options.Columns): it names columns
// detection does not know, wins over detection for its field, and is
// matched as loosely as the built-in names.
func TestMap(t *testing.T) {
	for _, tc := range []struct {
		name string
		data string
		cols map[string]string
		want []string // key=value of the observations
	}{
		{"unknown-headers", "Gerät;Hersteller;Modell;Seriennummer;MAC-Adresse\nkamera-1;Hikvision;DS-2CD2143G2-I;DS-2CD2143G2-I20231107AAWRJ12345678;44-19-B6-AA-BB-CC\n",
			map[string]string{"hostname": "Gerät", "manufacturer": "Hersteller", "model": "Modell", "serial": "Seriennummer", "mac": "MAC-Adresse"},
			[]string{"hostname=kamera-1", "inventory.manufacturer=Hikvision", "inventory.model=DS-2CD2143G2-I", "inventory.serial=DS-2CD2143G2-I20231107AAWRJ12345678", "mac=44:19:b6:aa:bb:cc"}},
		{"wins-over-detection", "Device name,Model,Model Identifier,Serial number,Asset tag\nmac-1,MacBook Pro,MacBookPro18;1,C02FK2ABMD6T,AT-0042\n",
			map[string]string{"model": "Model Identifier", "serial": "Asset tag"},
			[]string{"hostname=mac-1", "inventory.model=MacBookPro18;1", "inventory.serial=AT-0042"}},
		{"loose-match", "Device name,Hersteller\nphone-1,ZTE\n",
			map[string]string{" Manufacturer ": "HERSTELLER "},
			[]string{"hostname=phone-1", "inventory.manufacturer=ZTE"}},
		{"one-mapped-column-is-enough", "Ger\u00e4t;Seriennummer\nx;SN12345\n",
			map[string]string{"serial": "Seriennummer"},
			[]string{"inventory.serial=SN12345"}},
		{"a-mapped-column-moves-a-detected-one", "Name,Serial number,IP\nsrv-1,7XJ2K93,10.0.0.5\n",
			map[string]string{"hostname": "Serial number"},
			[]string{"hostname=7XJ2K93"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obs, bad, err := run(t, "inventory-csv", []byte(tc.data), "t.csv", tc.cols)
			if err != nil || len(bad) > 0 {
				t.Fatalf("Read: %v, bad %v", err, bad)
			}
			if got := importtest.KeyValues(obs); !slices.Equal(got, tc.want) {
				t.Errorf("observations %q, want %q", got, tc.want)
			}
		})
	}
}

// TestMapErrors checks that a bad --map ends Read before any row, with the
// exact reason.
func TestMapErrors(t *testing.T) {
	const csv = "Device name,Manufacturer,Model\nphone-1,ZTE,Blade A72\n"
	for _, tc := range []struct {
		name, format string
		data         []byte
		cols         map[string]string
		want         string
	}{
		{"unknown-field", "inventory-csv", []byte(csv), map[string]string{"vendor": "Hersteller"},
			`--map vendor=Hersteller: unknown field "vendor" (fields: manufacturer, model, serial, imei, mac, ip, hostname)`},
		{"no-letters", "inventory-csv", []byte(csv), map[string]string{"serial": "--"},
			`--map serial=--: column name has no letters or digits to match`},
		{"missing-column", "inventory-csv", []byte(csv), map[string]string{"serial": "Foo"},
			`t: --map serial=Foo: no column "Foo" in the header (columns: "Device name", "Manufacturer", "Model")`},
		{"missing-column-semicolons", "inventory-csv", []byte("Title\nDevice name;Model\nx;y\n"), map[string]string{"imei": "IMEI 1"},
			`t: --map imei=IMEI 1: no column "IMEI 1" in the header (columns: "Device name", "Model")`},
		{"missing-column-workbook", "inventory-xlsx", workbook(t, []sheet{{"Devices", map[int][]any{1: {"Device name", "Model"}}}}), map[string]string{"serial": "Foo"},
			`t: --map serial=Foo: no column "Foo" in the header of sheet "Devices" (columns: "Device name", "Model")`},
		{"unknown-field-workbook", "inventory-xlsx", nil, map[string]string{"os": "OS"},
			`--map os=OS: unknown field "os" (fields: manufacturer, model, serial, imei, mac, ip, hostname)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obs, _, err := run(t, tc.format, tc.data, "t", tc.cols)
			if err == nil || err.Error() != tc.want {
				t.Errorf("Read = %v,\nwant %s", err, tc.want)
			}
			if len(obs) > 0 {
				t.Errorf("%d observations before the error", len(obs))
			}
		})
	}
}
