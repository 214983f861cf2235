package inventory

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// sheet is one worksheet of a generated workbook: rows by row number, so
// that a sheet can leave rows out as Excel does.
type sheet struct {
	name string
	rows map[int][]any
}

// workbook writes sheets as an .xlsx. Cells that are int64 are written as
// numbers, the way a serial number typed into Excel is stored.
func workbook(t testing.TB, sheets []sheet) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatal(err)
		}
		for n, row := range s.rows {
			for c, v := range row {
				if v == nil {
					continue
				}
				ref, err := excelize.CoordinatesToCellName(c+1, n)
				if err != nil {
					t.Fatal(err)
				}
				if err := f.SetCellValue(s.name, ref, v); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// lansweeperWorkbook is a Lansweeper report exported to Excel: the
// tblAssets / tblAssetCustom columns of an asset report on the first sheet,
// a summary sheet without a header, and a network device report whose
// header sits under a title. Row 6 of Assets is left out, rows 8 and 9 are
// bad.
func lansweeperWorkbook(t testing.TB) []byte {
	header := []any{"AssetName", "AssetTypename", "Domain", "IPAddress", "Mac", "Manufacturer", "Model", "Serialnumber", "OS", "Lastseen"}
	return workbook(t, []sheet{
		{"Assets", map[int][]any{
			1: header,
			2: {"CAM-LOBBY", "Camera", nil, "10.20.0.31", "44:19:B6:AA:BB:CC", "Hangzhou Hikvision Digital Technology Co.,Ltd.", "DS-2CD2143G2-I", "DS-2CD2143G2-I20231107AAWRJ12345678", nil, "2026-11-26 21:04"},
			3: {"AP-3F-EAST", "Wireless Access Point", nil, "10.20.1.12", "00-E0-FC-09-08-07", "Huawei", "AirEngine 5761-11", "2102353VUR10N1000456", nil, "2026-11-26 21:10"},
			4: {"ZTE-CPE-ROOF", "Router", nil, "10.20.1.1", "344B50010203", "ZTE", "MF286D", int64(320455000123), nil, "2026-11-25 08:00"},
			5: {"WS-ACCT-04", "Windows", "CORP", "10.20.2.44", "54:BF:64:12:34:56", "Dell Inc.", "OptiPlex 7090", "5XK2M93", "Windows 11 Enterprise", "2026-11-26 17:45"},
			7: {"NVR-02", "NVR", nil, "10.20.0.40", "3C:EF:8C:44:55:66", "Dahua", "DHI-NVR5216-16P-I", "7K0DEF7654321", "Linux", "2026-11-26 21:00"},
			8: {"CAM-GATE", "Camera", nil, "10.20.0.400", "3C:EF:8C:44:55", "Hikvision", "DS-2CD2387G2-LU", "DS-2CD2387G2-LU20240115AAWRK87654321", nil, "2026-11-24 12:00"},
			9: {nil, nil, nil, nil, nil, nil, nil, nil, "Linux", "2026-11-20 09:00"},
		}},
		{"Summary", map[int][]any{
			1: {"Total assets", int64(7)},
			2: {"Generated", "2026-11-27"},
		}},
		{"Network devices", map[int][]any{
			1: {"Network devices by site"},
			3: {"AssetName", "IPAddress", "Mac", "Manufacturer", "Model", "Serialnumber"},
			4: {"SW-CORE-2", "10.0.0.12", "00:E0:FC:AA:BB:01", "HUAWEI", "S6730-H48X6C", "2102352168P0KB000111"},
			5: {"RPT-ROOF", "10.0.5.5", nil, "Hytera Communications Corporation Limited", "RD985S", "17A01B0012"},
		}},
	})
}

// TestWorkbookEdges checks the workbook-only paths: a --map column, a row
// too long, a workbook without any header, and excelize's row numbering
// across rows a sheet leaves out.
func TestWorkbookEdges(t *testing.T) {
	t.Run("map", func(t *testing.T) {
		data := workbook(t, []sheet{{"Geräte", map[int][]any{
			1: {"Gerätename", "Hersteller", "Modell", "IP"},
			5: {"ap-1", "Huawei", "AirEngine 5760-51", "10.1.0.5"},
		}}})
		obs, bad, err := run(t, "inventory-xlsx", data, "t.xlsx", map[string]string{"hostname": "Gerätename", "manufacturer": "Hersteller", "model": "Modell"})
		if err != nil || len(bad) > 0 {
			t.Fatalf("Read: %v, bad %v", err, bad)
		}
		if len(obs) != 3 || obs[0].Host != "10.1.0.5" || obs[1].Value != "Huawei" {
			t.Errorf("observations %+v", obs)
		}
	})
	t.Run("long-row", func(t *testing.T) {
		data := workbook(t, []sheet{{"S", map[int][]any{
			1: {"Name", "Model", "Notes", "More notes", "Even more notes"},
			// Excel cells hold at most 32767 characters.
			2: {"a", "m", strings.Repeat("x", 30000), strings.Repeat("y", 30000), strings.Repeat("z", 30000)},
			3: {"b", "m"},
		}}})
		obs, bad, err := run(t, "inventory-xlsx", data, "t.xlsx", nil)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf(`t.xlsx:2: sheet "S": row of %d bytes, longer than %d`, 90002, maxRecord)
		if len(bad) != 1 || bad[0].Error() != want {
			t.Errorf("bad = %v, want %q", bad, want)
		}
		if len(obs) != 2 || obs[0].Host != "b" {
			t.Errorf("observations %+v", obs)
		}
	})
	t.Run("no-header", func(t *testing.T) {
		data := workbook(t, []sheet{{"Sheet A", map[int][]any{1: {"Gerät", "Hersteller"}}}, {"B", nil}})
		_, _, err := run(t, "inventory-xlsx", data, "t.xlsx", nil)
		want := `t.xlsx: no inventory header in the first 10 rows of sheet "Sheet A" (saw: "Gerät", "Hersteller"); name the columns with --map FIELD=COLUMN, fields manufacturer, model, serial, imei, mac, ip, hostname`
		if err == nil || err.Error() != want {
			t.Errorf("Read = %v, want %q", err, want)
		}
	})
	t.Run("other-zip", func(t *testing.T) {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		w, _ := zw.Create("word/document.xml")
		w.Write([]byte("<w:document/>"))
		zw.Close()
		_, _, err := run(t, "inventory-xlsx", b.Bytes(), "t.docx", nil)
		if err == nil || !strings.HasPrefix(err.Error(), "open t.docx as a workbook: ") {
			t.Errorf("Read = %v, want an open error", err)
		}
	})
}

// TestTempFiles checks that reading a workbook leaves no temporary file
// behind: neither the spooled copy nor excelize's parts, also when the
// workbook is refused.
func TestTempFiles(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	big := map[int][]any{1: {"Name", "Model", "Notes"}}
	for i := range 3000 {
		// Over partInMemory once unzipped: excelize puts the sheet and the
		// shared strings in temporary files.
		big[i+2] = []any{fmt.Sprintf("n%d", i), "m", strings.Repeat(fmt.Sprint(i), 2000)}
	}
	for _, data := range [][]byte{lansweeperWorkbook(t), workbook(t, []sheet{{"S", big}}), []byte("PK\x03\x04 not a zip")} {
		run(t, "inventory-xlsx", data, "t.xlsx", nil)
		left, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range left {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
