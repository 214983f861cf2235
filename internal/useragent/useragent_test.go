package useragent

import (
	"strings"
	"testing"
	"time"
)

// parseCases are User-Agents written for these tests in the formats the
// rules document; look-alikes that must not become Huawei/Honor/ZTE/Nubia
// are part of the table.
var parseCases = []struct {
	name string
	ua   string
	want Device
}{
	// Huawei, modern Android.
	{"huawei bare code", "Mozilla/5.0 (Linux; Android 10; ELE-L29) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Mobile Safari/537.36",
		Device{Brand: "Huawei", Model: "ELE-L29", OS: "Android", OSVersion: "10", Type: "phone", Via: ViaUAPModelCode}},
	{"huawei webview build token", "Mozilla/5.0 (Linux; Android 10; VOG-L29 Build/HUAWEIVOG-L29; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/114.0.5735.196 Mobile Safari/537.36",
		Device{Brand: "Huawei", Model: "VOG-L29", OS: "Android", OSVersion: "10", Type: "phone", Via: ViaBuildToken}},
	{"huawei marketing name", "Mozilla/5.0 (Linux; Android 10; HUAWEI P30 Pro) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/110.0.0.0 Mobile Safari/537.36",
		Device{Brand: "Huawei", Model: "P30 Pro", OS: "Android", OSVersion: "10", Type: "phone", Via: ViaUAP}},
	{"huawei tablet", "Mozilla/5.0 (Linux; Android 4.4.2; HUAWEI MediaPad M1 8.0 Build/HuaweiMediaPad) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/40.0.2214.89 Safari/537.36",
		Device{Brand: "Huawei", Model: "MediaPad M1 8.0", OS: "Android", OSVersion: "4.4.2", Type: "tablet", Via: ViaBuildToken}},
	{"huawei app client", "Dalvik/2.1.0 (Linux; U; Android 9; MAR-LX1A Build/HUAWEIMAR-L21A)",
		Device{Brand: "Huawei", Model: "MAR-LX1A", OS: "Android", OSVersion: "9", Via: ViaBuildToken}},
	{"huawei code scheme unknown to uap", "Mozilla/5.0 (Linux; Android 12; ALN-AL00) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
		Device{Model: "ALN-AL00", OS: "Android", OSVersion: "12", Type: "phone"}},
	{"huawei/honor code uap misreads as LG", "Mozilla/5.0 (Linux; Android 12; LGE-AN00) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 Mobile Safari/537.36",
		Device{Model: "LGE-AN00", OS: "Android", OSVersion: "12", Type: "phone"}},

	// HarmonyOS, OpenHarmony, Huawei-only software.
	{"harmonyos huawei browser", "Mozilla/5.0 (Linux; Android 10; HarmonyOS; NOH-AN00; HMSCore 6.13.0.302) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 HuaweiBrowser/14.0.5.302 Mobile Safari/537.36",
		Device{Brand: "Huawei", Model: "NOH-AN00", OS: "HarmonyOS", Type: "phone", Via: ViaHarmonyOS}},
	{"openharmony phone", "Mozilla/5.0 (Phone; OpenHarmony 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 ArkWeb/4.1.6.1 Mobile HuaweiBrowser/5.0.4.300",
		Device{Brand: "Huawei", OS: "OpenHarmony", OSVersion: "5.0", Type: "phone", Via: ViaHarmonyOS}},
	{"openharmony without huawei token", "Mozilla/5.0 (Tablet; OpenHarmony 4.1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 ArkWeb/4.1.6.1",
		Device{Brand: "Huawei", OS: "OpenHarmony", OSVersion: "4.1", Type: "tablet", Via: ViaOpenHarmony}},
	{"huawei browser on emui", "Mozilla/5.0 (Linux; Android 10; ELS-NX9; HMSCore 6.12.0.302) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 HuaweiBrowser/13.0.7.300 Mobile Safari/537.36",
		Device{Brand: "Huawei", Model: "ELS-NX9", OS: "Android", OSVersion: "10", Type: "phone", Via: ViaHarmonyOS}},

	// Huawei feature phones and early Android.
	{"huawei wap", "Huawei/1.0/0HuaweiG6600/WAP2.0/Obigo-Browser/Q03C MMS/Obigo-MMS/1.2",
		Device{Brand: "Huawei", Model: "G6600", Type: "phone", Via: ViaUAP}},
	{"huawei early android build", "Mozilla/5.0 (Linux; U; Android 2.1-update1; en-gb; U8230 Build/HuaweiU8230) AppleWebKit/530.17 (KHTML, like Gecko) Version/4.0 Mobile Safari/530.17",
		Device{Brand: "Huawei", Model: "U8230", OS: "Android", OSVersion: "2.1", Type: "phone", Via: ViaBuildToken}},
	{"huawei build without model slot", "Dalvik/1.6.0 (Linux; U; Android 4.0.4; Build/HuaweiY210-0100)",
		Device{Brand: "Huawei", Model: "Y210", OS: "Android", OSVersion: "4.0.4", Via: ViaBuildToken}},
	{"huawei dash model", "HUAWEI-U7519/1.0 Profile/MIDP-2.0 Configuration/CLDC-1.1",
		Device{Brand: "Huawei", Model: "U7519", Type: "phone", Via: ViaUAP}},
	{"huawei stack in operator-labelled phone", "Vodafone/1.0/0Vodafone716/B116 Browser/Obigo-Browser/Q05A MMS/Obigo-MMS/Q05A SyncML/HW-SyncML/1.0 Java/HWJa/1.0 Profile/MIDP-2.0 Configuration/CLDC-1.1",
		Device{Maker: "Huawei", Type: "phone", Via: ViaStackToken}},

	// ZTE and Nubia.
	{"zte blade", "Mozilla/5.0 (Linux; Android 11; ZTE Blade A51) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/118.0.0.0 Mobile Safari/537.36",
		Device{Brand: "ZTE", Model: "Blade A51", OS: "Android", OSVersion: "11", Type: "phone", Via: ViaUAP}},
	{"zte umts feature phone", "ZTE-U V760/V1.0.0 Obigo/Q03C Profile/MIDP-2.0",
		Device{Brand: "ZTE", Model: "V760", Type: "phone", Via: ViaLegacyToken}},
	{"zte cdma feature phone", "ZTE-C88/1.0 SMIT-Browser/2.0.0",
		Device{Brand: "ZTE", Model: "C88", Type: "phone", Via: ViaLegacyToken}},
	{"zte kaios", "Mozilla/5.0 (Mobile; ZTE; rv:48.0) Gecko/48.0 Firefox/48.0 KAIOS/2.5",
		Device{Brand: "ZTE", OS: "KaiOS", OSVersion: "2.5", Type: "phone", Via: ViaLegacyToken}},
	{"nubia word", "Mozilla/5.0 (Linux; Android 9; nubia Z18) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/96.0.4664.104 Mobile Safari/537.36",
		Device{Brand: "Nubia", Model: "Z18", OS: "Android", OSVersion: "9", Type: "phone", Via: ViaLegacyToken}},
	{"nubia code", "Mozilla/5.0 (Linux; Android 11; NX669J Build/RKQ1.201112.002; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/103.0.5060.129 Mobile Safari/537.36",
		Device{Brand: "Nubia", Model: "NX669J", OS: "Android", OSVersion: "11", Type: "phone", Via: ViaModelCode}},

	// Honor.
	{"honor brand word", "Mozilla/5.0 (Linux; Android 12; HONOR ANY-NX1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/112.0.0.0 Mobile Safari/537.36",
		Device{Brand: "Honor", Model: "ANY-NX1", OS: "Android", OSVersion: "12", Type: "phone", Via: ViaHonorToken}},
	{"honor browser", "Mozilla/5.0 (Linux; Android 13; ALI-NX1 Build/HONORALI-N31; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/104.0.5112.97 Mobile Safari/537.36 HONORBrowser/8.0.3.301",
		Device{Brand: "Honor", Model: "ALI-NX1", OS: "Android", OSVersion: "13", Type: "phone", Via: ViaHonorToken}},
	{"honor build id", "Dalvik/2.1.0 (Linux; U; Android 12; ANY-NX1 Build/HONORANY-N21)",
		Device{Brand: "Honor", Model: "ANY-NX1", OS: "Android", OSVersion: "12", Via: ViaHonorToken}},
	{"huawei-made honor", "Mozilla/5.0 (Linux; Android 9; HONOR 8X Build/HUAWEIJSN-L21; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/79.0.3945.116 Mobile Safari/537.36",
		Device{Brand: "Huawei", Model: "8X", Line: "Honor", OS: "Android", OSVersion: "9", Type: "phone", Via: ViaBuildToken}},

	// Other makers: must not become Huawei, Honor, ZTE or Nubia.
	{"xiaomi name", "Mozilla/5.0 (Linux; Android 13; Redmi Note 12 Pro) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
		Device{Brand: "Xiaomi", Model: "Redmi Note 12 Pro", OS: "Android", OSVersion: "13", Type: "phone", Via: ViaUAP}},
	{"xiaomi code", "Mozilla/5.0 (Linux; Android 13; 23021RAAEG) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
		Device{Model: "23021RAAEG", OS: "Android", OSVersion: "13", Type: "phone"}},
	{"oppo", "Mozilla/5.0 (Linux; Android 14; CPH2581) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Mobile Safari/537.36",
		Device{Brand: "OPPO", Model: "CPH2581", OS: "Android", OSVersion: "14", Type: "phone", Via: ViaUAP}},
	{"vivo", "Mozilla/5.0 (Linux; Android 13; V2250) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
		Device{Model: "V2250", OS: "Android", OSVersion: "13", Type: "phone"}},
	{"samsung", "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Mobile Safari/537.36",
		Device{Brand: "Samsung", Model: "SM-S918B", OS: "Android", OSVersion: "14", Type: "phone", Via: ViaUAP}},
	{"iphone", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
		Device{Brand: "Apple", Model: "iPhone", OS: "iOS", OSVersion: "17.4", Type: "phone", Via: ViaUAP}},
	{"look-alike tokens", "Mozilla/5.0 (Linux; Android 13; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36 HonorOfKings/3.1 AZTEC/2 HuaweiCloudSDK",
		Device{Brand: "Samsung", Model: "SM-A546B", OS: "Android", OSVersion: "13", Type: "phone", Via: ViaUAP}},
	{"reduced chrome ua", "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
		Device{OS: "Android", OSVersion: "10", Type: "phone"}},
	{"generic words only", "Mozilla/5.0 (Linux; Android; Mobile) Linux Android Mobile",
		Device{OS: "Android", Type: "phone"}},
	{"windows desktop", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
		Device{OS: "Windows", OSVersion: "10", Type: "desktop"}},
	{"crawler", "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.91 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		Device{Model: "Nexus 5X", OS: "Android", OSVersion: "6.0.1", Type: "bot"}},
	{"empty", "  ", Device{}},
}

func TestParse(t *testing.T) {
	p := Default()
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := p.Parse(tc.ua); got != tc.want {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", tc.ua, got, tc.want)
			}
			if got := p.Parse(tc.ua); got != tc.want { // cached
				t.Errorf("cached Parse(%q)\n got %+v\nwant %+v", tc.ua, got, tc.want)
			}
		})
	}
}

func TestParseModel(t *testing.T) {
	cases := []struct {
		name, hint string
		want       Device
	}{
		{"quoted huawei code", `"ELE-L29"`, Device{Brand: "Huawei", Model: "ELE-L29", Via: ViaSecCHUAModel}},
		{"bare huawei code", ` VOG-L29 `, Device{Brand: "Huawei", Model: "VOG-L29", Via: ViaSecCHUAModel}},
		{"code uap does not attribute", `"NOH-NX9"`, Device{Model: "NOH-NX9"}},
		{"china variant code", `"ALN-AL00"`, Device{Model: "ALN-AL00"}},
		{"code uap misreads as LG", `"LGE-AN00"`, Device{Model: "LGE-AN00"}},
		{"honor names itself", `"HONOR X8b"`, Device{Brand: "Honor", Model: "X8b", Via: ViaSecCHUAModel}},
		{"huawei names itself", `"HUAWEI Mate 20 Pro"`, Device{Brand: "Huawei", Model: "Mate 20 Pro", Via: ViaSecCHUAModel}},
		{"zte names itself", `"ZTE Blade A51"`, Device{Brand: "ZTE", Model: "Blade A51", Via: ViaSecCHUAModel}},
		{"bare nubia code", `"NX669J"`, Device{Model: "NX669J"}},
		{"samsung", `"SM-G991B"`, Device{Brand: "Samsung", Model: "SM-G991B", Via: ViaSecCHUAModel}},
		{"xiaomi", `"Redmi Note 12"`, Device{Brand: "Xiaomi", Model: "Redmi Note 12", Via: ViaSecCHUAModel}},
		{"escaped quote kept out", `"a\"b"`, Device{}},
		{"slot injection", `"x) Build/HUAWEIX"`, Device{}},
		{"bad escape", `"ELE\-L29"`, Device{}},
		{"non-ascii", `"華為"`, Device{}},
		{"desktop sends empty", `""`, Device{}},
		{"too long", `"` + strings.Repeat("A", maxModelLen+1) + `"`, Device{}},
	}
	p := Default()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := p.ParseModel(tc.hint); got != tc.want {
				t.Errorf("ParseModel(%q)\n got %+v\nwant %+v", tc.hint, got, tc.want)
			}
		})
	}
}

// TestTokenRules checks every rule against its example: the rule matches it,
// no earlier rule shadows it, and Parse attributes the example to the rule's
// brand or maker (possibly through uap-core, which runs first).
func TestTokenRules(t *testing.T) {
	for _, r := range tokenRules {
		t.Run(r.name, func(t *testing.T) {
			if r.example == "" || !r.re.MatchString(r.example) {
				t.Fatalf("rule does not match its example %q", r.example)
			}
			brand, _, via, maker := matchRules(r.example, false)
			if brand != r.brand || (r.maker != "" && maker != r.maker) || (r.brand != "" && via != r.via) {
				t.Errorf("matchRules(%q) = brand %q via %q maker %q; another rule shadows %s", r.example, brand, via, maker, r.name)
			}
			d := Default().Parse(r.example)
			if d.Brand != r.brand || (r.maker != "" && d.Maker != r.maker) {
				t.Errorf("Parse(%q) = %+v, want brand %q maker %q", r.example, d, r.brand, r.maker)
			}
		})
	}
}

func TestParseLongInput(t *testing.T) {
	p := Default()
	long := "Mozilla/5.0 (Linux; Android 10; " + strings.Repeat("A;(", 64<<10/3) + " Build/HUAWEIELE-L29)"
	start := time.Now()
	d := p.Parse(long)
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("Parse of %d bytes took %v", len(long), elapsed)
	}
	if d.Brand != "" {
		t.Errorf("token past MaxInputLen was read: %+v", d)
	}
	if got := truncate("ab\u00e9", 3); got != "ab" {
		t.Errorf("truncate split a rune: %q", got)
	}
}

func TestCacheResetsWhenFull(t *testing.T) {
	p := &Parser{}
	for i := 0; i <= cacheEntries; i++ {
		p.remember(cacheKey{input: strings.Repeat("x", i%50) + string(rune('a'+i%26)) + strings.Repeat("y", i/50)}, Device{})
	}
	if n := len(p.cache); n != 1 {
		t.Errorf("cache holds %d entries after overflowing, want 1 (reset)", n)
	}
	p.remember(cacheKey{input: strings.Repeat("z", maxCachedInput+1)}, Device{})
	if n := len(p.cache); n != 1 {
		t.Errorf("over-long input was cached (%d entries)", n)
	}
}
