package useragent

import (
	"regexp"
	"strings"
)

// Canonical brand names this package sets itself.
const (
	brandHuawei = "Huawei"
	brandHonor  = "Honor"
	brandZTE    = "ZTE"
	brandNubia  = "Nubia"
)

// tokenRule is one maker-token format that uap-core misses or only half
// covers. Rules are data: each names the public source of its format and
// carries an example UA that the tests run through it.
type tokenRule struct {
	name string
	// re finds the token; its first submatch, when present, is the model.
	re guarded
	// brand is the Brand the token names; "" for a software-stack token.
	brand string
	// maker is the Maker a software-stack token reveals.
	maker string
	via   string
	// shape marks a rule that decides from a model-code shape alone; it is
	// not applied to bare Sec-CH-UA-Model values (see Parser.ParseModel).
	shape   bool
	example string
}

// tokenRules apply, first brand match wins, when neither the Honor and
// HarmonyOS tokens nor uap-core named a brand. Stack rules always apply.
// The formats generalize by token; no rule lists individual phones.
var tokenRules = []tokenRule{
	// Huawei firmware build id on Android: "Build/HUAWEI<model>", early
	// models "Build/Huawei<model>". Sources: uap-core regexes.yaml
	// device_parsers "Build/(?:Huawei|HUAWEI)"; domain README §7
	// ("Build/HUAWEI<model>").
	{
		name: "huawei-build", brand: brandHuawei, via: ViaBuildToken,
		re:      mustGuard(`Build/(?:HUAWEI|Huawei)([A-Za-z0-9][A-Za-z0-9._-]*)`),
		example: "Dalvik/1.6.0 (Linux; U; Android 4.1.1; Build/HuaweiG510-0200)",
	},
	// WAP-era Huawei phones: "Huawei/1.0/0Huawei<model>/<firmware>" and
	// "Huawei/1.0/0HUAWEI <model>/...". Sources: uap-core
	// "Huawei([A-Za-z0-9]+)"; UAProf-era UA fixtures in WURFL test data.
	{
		name: "huawei-wap", brand: brandHuawei, via: ViaLegacyToken,
		re:      mustGuard(`\bHuawei/\d+(?:\.\d+)*/0?(?:(?:HUAWEI|Huawei) ?)?([A-Za-z0-9]+)`),
		example: "Huawei/1.0/0HUAWEI T2211/B001 Browser/Obigo-Browser/Q05A",
	},
	// A Huawei device token outside Build/: "HUAWEI-<model>",
	// "Huawei<model>/1.0", "HUAWEI <model>", where the model starts with a
	// few letters and a digit (so "HuaweiBrowser" is not one). Sources:
	// uap-core "HUAWEI-([A-Za-z0-9]+)", "HUAWEI ([A-Za-z0-9\-]+)".
	{
		name: "huawei-device", brand: brandHuawei, via: ViaLegacyToken,
		re:      mustGuard(`(?:^|[^A-Za-z0-9])(?:HUAWEI|Huawei)[-_ ]?([A-Z][A-Za-z]{0,3}\d[A-Za-z0-9-]*)`),
		example: "HUAWEI-C2905/1.0 Profile/MIDP-2.0",
	},
	// ZTE device token "ZTE-<model>", "ZTE <model>", "ZTE_<model>", with the
	// old network prefixes "ZTE-U " (UMTS), "ZTE-C " (CDMA), "ZTE-G " (GSM);
	// a second word is kept when it carries a digit ("Blade A51"). Source:
	// uap-core "(?:ZXY-ZTE_|ZTE\-U |ZTE[\- _]|ZTE-C[_ ])", which only fires
	// inside an Android device slot.
	{
		name: "zte-device", brand: brandZTE, via: ViaLegacyToken,
		re:      mustGuard(`(?:^|[^A-Za-z0-9])ZTE(?:-[UCG])?[-_ ]([A-Za-z0-9][A-Za-z0-9.-]*(?: [A-Za-z]{0,3}\d[A-Za-z0-9]*)?)`),
		example: "ZTE-C S200/1.0 Obigo/Q05A",
	},
	// Firefox OS and KaiOS put the maker alone in the platform slot:
	// "(Mobile; ZTE; rv:48.0)". Source: uap-core
	// "\(Mobile; (?:ZTE([^;]{1,200})|(OpenC)); rv:", which needs a model.
	{
		name: "zte-kaios", brand: brandZTE, via: ViaLegacyToken,
		re:      mustGuard(`\((?:Mobile|Tablet); ZTE[ _-]?([^;)]*); rv:`),
		example: "Mozilla/5.0 (Mobile; ZTE; rv:84.0) Gecko/84.0 Firefox/84.0 KAIOS/3.0",
	},
	// The nubia label (a ZTE spin-off, see domain README §3) as a word:
	// "nubia Z18". Source: LineageOS device trees device/nubia/*
	// (PRODUCT_BRAND := Nubia).
	{
		name: "nubia-device", brand: brandNubia, via: ViaLegacyToken,
		re:      mustGuard(`(?:^|[^A-Za-z0-9])(?i:nubia)[ _-]([A-Za-z0-9][A-Za-z0-9.-]*(?: [A-Za-z0-9.-]+)?)`),
		example: "Mozilla/5.0 (Linux; Android 9; nubia Play) AppleWebKit/537.36",
	},
	// nubia and Red Magic model codes "NX<3 digits><letters>" as the whole
	// device slot. Sources: LineageOS device trees device/nubia/nx*j;
	// WURFL data (model_name "NX508J", marketing_name "Nubia Z9").
	{
		name: "nubia-code", brand: brandNubia, via: ViaModelCode, shape: true,
		re:      mustGuard(`; ?(NX\d{3}[A-Z]{1,2})(?: Build/[^;)]*)?[;)]`),
		example: "Mozilla/5.0 (Linux; Android 12; NX709S) AppleWebKit/537.36",
	},
	// Huawei's feature-phone software: SyncML client "HW-SyncML" and Java VM
	// "HWJa". They also appear in operator- and Motorola-labelled phones, so
	// they reveal Maker, not Brand. Source: public UA fixtures with
	// "SyncML/HW-SyncML/1.0 Java/HWJa/1.0" (Huawei T7200, Vodafone 736).
	{
		name: "huawei-stack", maker: brandHuawei, via: ViaStackToken,
		re:      mustGuard(`\bHW-SyncML/|\bHWJa/`),
		example: "Mot-EX211/B000 Browser/NetFront/3.5 SyncML/HW-SyncML/1.0 Java/HWJa/2.0",
	},
}

var (
	// Honor's own browser (also Baidu's build for Honor). Source: domain
	// README §7 ("HONORBrowser/"); public UA fixtures ("bdhonorbrowser/").
	honorBrowserRe = mustGuard(`(?i)honorbrowser/`)
	// HarmonyOS as the OS, and software only Huawei ships: its browser and
	// HMS Core. Source: domain README §7.
	harmonyOSRe   = mustGuard(`\bHarmonyOS\b`)
	huaweiSoftRe  = mustGuard(`\bHuaweiBrowser/|\bHMSCore\b`)
	openHarmonyRe = mustGuard(`\bOpenHarmony\b|\bArkWeb/`)
	// OS versions after the HarmonyOS tokens: "OpenHarmony 5.0".
	openHarmonyVerRe = mustGuard(`\bOpenHarmony[ /]?(\d+(?:\.\d+)*)?`)
	harmonyOSVerRe   = mustGuard(`\bHarmonyOS[ /]?(\d+(?:\.\d+)*)?`)
	// huaweiCodeRe is the model-code scheme Huawei and Honor share: three
	// letters, a dash, variant letters (AL/AN/TL/TN/CL/DL China, L/LX
	// global, NX global 5G, W Wi-Fi tablet) and digits: "ELE-L29",
	// "NOH-NX9", "ALN-AL00", "ANY-LX1", "MRX-W09". Source: uap-core's
	// "([A-Z]{3})\-L[A-Za0-9]{2}" rule; Huawei build ids "Build/HUAWEI<code>".
	huaweiCodeRe = regexp.MustCompile(`^[A-Z]{3}-(?:AL|AN|TL|TN|CL|DL|LX|NX|L|N|W)\d{1,2}[A-Z]?$`)
)

// matchRules applies tokenRules to ua: the first brand rule that matches
// sets brand, model and via; a stack rule sets maker. Shape rules are skipped
// when noShape is set.
func matchRules(ua string, noShape bool) (brand, model, via, maker string) {
	return matchRulesIn(Default().cat.newInput(ua), noShape)
}

// matchRulesIn is matchRules for a prepared UA.
func matchRulesIn(in *input, noShape bool) (brand, model, via, maker string) {
	for i := range tokenRules {
		r := &tokenRules[i]
		if (r.shape && noShape) || (r.brand != "" && brand != "") || (r.maker != "" && maker != "") {
			continue
		}
		m := r.re.find(in)
		if m == nil {
			continue
		}
		if r.maker != "" {
			maker = r.maker
			if brand == "" {
				via = r.via
			}
			continue
		}
		brand, via = r.brand, r.via
		if len(m) > 1 {
			model = m[1]
		}
	}
	return brand, model, via, maker
}

// canonicalBrand maps uap-core's brand spelling to this package's, and
// generic or placeholder brands to "".
func canonicalBrand(b string) string {
	l := strings.ToLower(strings.TrimSpace(b))
	if strings.HasPrefix(l, "generic") {
		return ""
	}
	switch l {
	case "", "spider", "android", "mobile", "linux", "other", "unknown", "k":
		return ""
	case "huawei":
		return brandHuawei
	case "honor":
		return brandHonor
	case "zte":
		return brandZTE
	case "nubia":
		return brandNubia
	case "xiaomi":
		return "Xiaomi"
	case "oppo":
		return "OPPO"
	}
	return strings.TrimSpace(b)
}

// stripBrandWord removes a leading maker word ("HUAWEI P30 Pro" → "P30 Pro",
// "Honor Honor 8X" → "8X"), case-insensitively, as many times as it repeats.
func stripBrandWord(model string, words ...string) string {
	model = strings.TrimSpace(model)
	for again := true; again; {
		again = false
		for _, w := range words {
			if w != "" && len(model) > len(w) && strings.EqualFold(model[:len(w)], w) &&
				strings.IndexByte(" _-", model[len(w)]) >= 0 {
				model = strings.TrimSpace(model[len(w)+1:])
				again = true
			}
		}
	}
	return model
}
