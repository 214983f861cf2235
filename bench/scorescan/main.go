// Command scorescan scores a scan against the device lab's ground truth:
// covered's identifications (JSON Lines) and nmap's XML (-oX) on the same
// addresses. covered flags a device when its status is covered or suspected;
// nmap flags it when a name of the covered entity or one of its brands
// appears in a service's product, version, extrainfo, devicetype, hostname
// or CPE (the rule of the scanner issue's benchmark).
//
//	go run ./bench/scorescan -truth truth.jsonl -covered covered.jsonl -nmap nmap.xml
package main

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"os"
	"strings"
)

// truth is one lab device's ground truth line.
type truth struct {
	Addr    string `json:"host"`
	Entity  string `json:"covered_entity"`
	Status  string `json:"status"`
	Profile string `json:"profile"`
}

// brands are the names nmap output is searched for, per covered entity:
// the entity and the brands/subsidiaries the policy data lists for it.
var brands = map[string][]string{
	"Huawei":    {"huawei", "honor", "hisilicon", "quidway", "echolife", "vrp"},
	"ZTE":       {"zte", "zxhn", "zxv10", "zxr10", "zxdsl", "zxa10"},
	"Hikvision": {"hikvision", "ezviz", "hikmicro", "hilook", "hiwatch", "lts"},
	"Dahua":     {"dahua", "imou", "amcrest", "lorex"},
	"Hytera":    {"hytera", "norsat", "sepura", "teltronic"},
}

type nmapRun struct {
	Hosts []struct {
		Addrs []struct {
			Addr string `xml:"addr,attr"`
			Type string `xml:"addrtype,attr"`
		} `xml:"address"`
		Hostnames []struct {
			Name string `xml:"name,attr"`
		} `xml:"hostnames>hostname"`
		Ports []struct {
			Service struct {
				Product    string   `xml:"product,attr"`
				Version    string   `xml:"version,attr"`
				ExtraInfo  string   `xml:"extrainfo,attr"`
				DeviceType string   `xml:"devicetype,attr"`
				Hostname   string   `xml:"hostname,attr"`
				CPE        []string `xml:"cpe"`
			} `xml:"service"`
		} `xml:"ports>port"`
	} `xml:"host"`
}

type score struct{ tp, fp, fn, tn int }

func (s score) String() string {
	p, r := ratio(s.tp, s.tp+s.fp), ratio(s.tp, s.tp+s.fn)
	return fmt.Sprintf("TP %d FP %d FN %d TN %d precision %.3f recall %.3f", s.tp, s.fp, s.fn, s.tn, p, r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func main() {
	truthPath := flag.String("truth", "", "lab ground truth (JSON Lines)")
	coveredPath := flag.String("covered", "", "covered scan output (JSON Lines identifications)")
	nmapPath := flag.String("nmap", "", "nmap -oX output")
	partial := flag.Bool("nmap-hosts-only", false, "score only the hosts present in the nmap output (for a run that did not finish)")
	flag.Parse()
	want := map[string]truth{}
	if err := eachLine(*truthPath, func(b []byte) error {
		var t truth
		if err := json.Unmarshal(b, &t); err != nil {
			return err
		}
		if t.Status != "hostile" {
			want[t.Addr] = t
		}
		return nil
	}); err != nil {
		fail(err)
	}
	if *partial && *nmapPath != "" {
		want = onlyHosts(want, *nmapPath)
		fmt.Printf("scoring the %d lab devices nmap finished\n", len(want))
	}
	if *coveredPath != "" {
		flagged := map[string]string{}
		if err := eachLine(*coveredPath, func(b []byte) error {
			var id struct{ Host, Status, CoveredEntity string }
			var raw map[string]any
			if err := json.Unmarshal(b, &raw); err != nil {
				return err
			}
			id.Host, _ = raw["host"].(string)
			id.Status, _ = raw["status"].(string)
			id.CoveredEntity, _ = raw["covered_entity"].(string)
			if id.Status == "covered" || id.Status == "suspected" {
				flagged[id.Host] = id.CoveredEntity
			}
			return nil
		}); err != nil {
			fail(err)
		}
		fmt.Println("covered:", tally(want, flagged))
	}
	if *nmapPath != "" {
		data, err := os.ReadFile(*nmapPath)
		if err != nil {
			fail(err)
		}
		var run nmapRun
		if !strings.Contains(string(data), "</nmaprun>") {
			data = append(data, "</nmaprun>"...) // a run still in progress
		}
		if err := xml.Unmarshal(data, &run); err != nil {
			fail(fmt.Errorf("%s: %w", *nmapPath, err))
		}
		flagged := map[string]string{}
		for _, h := range run.Hosts {
			var text []string
			for _, n := range h.Hostnames {
				text = append(text, n.Name)
			}
			for _, p := range h.Ports {
				s := p.Service
				text = append(text, s.Product, s.Version, s.ExtraInfo, s.DeviceType, s.Hostname)
				text = append(text, s.CPE...)
			}
			all := strings.ToLower(strings.Join(text, " "))
			for ent, names := range brands {
				for _, n := range names {
					if containsWord(all, n) {
						for _, a := range h.Addrs {
							if a.Type != "mac" {
								flagged[a.Addr] = ent
							}
						}
					}
				}
			}
		}
		fmt.Println("nmap:   ", tally(want, flagged))
	}
}

// onlyHosts keeps the truth rows of hosts that appear in an nmap XML file,
// which may lack its closing tags when nmap was still running.
func onlyHosts(want map[string]truth, path string) map[string]truth {
	data, err := os.ReadFile(path)
	if err != nil {
		fail(err)
	}
	out := map[string]truth{}
	for addr, t := range want {
		if strings.Contains(string(data), `addr="`+addr+`"`) {
			out[addr] = t
		}
	}
	return out
}

// containsWord finds n in s not inside a longer word.
func containsWord(s, n string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], n)
		if j < 0 {
			return false
		}
		j += i
		before := j == 0 || !isWord(s[j-1])
		after := j+len(n) == len(s) || !isWord(s[j+len(n)])
		if before && after {
			return true
		}
		i = j + 1
	}
}

func isWord(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

func tally(want map[string]truth, flagged map[string]string) score {
	var s score
	for addr, t := range want {
		_, f := flagged[addr]
		switch {
		case t.Entity != "" && f:
			s.tp++
		case t.Entity != "":
			s.fn++
		case f:
			s.fp++
		default:
			s.tn++
		}
	}
	return s
}

func eachLine(path string, fn func([]byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		if err := fn(sc.Bytes()); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	return sc.Err()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "scorescan:", err)
	os.Exit(1)
}
