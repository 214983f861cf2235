package useragent

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// This file generates User-Agents from templates of real client formats with
// random model codes and versions. The equivalence tests compare the fast
// matcher with uap-go over them (uap-core's own fixtures are not in the Go
// module), and the benchmarks parse them cold.

func pickOne(r *rand.Rand, s ...string) string { return s[r.IntN(len(s))] }

func upper(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('A' + r.IntN(26))
	}
	return string(b)
}

// androidModels returns one model slot of a random maker, in the spellings
// the makers' firmware puts in the UA.
func androidModel(r *rand.Rand) string {
	d := func(n int) int { return r.IntN(n) }
	switch d(34) {
	case 0, 1:
		return fmt.Sprintf("SM-%s%d%s", pickOne(r, "G", "A", "S", "N", "M", "F", "T", "J", "E", "X"), 100+d(900), pickOne(r, "", "B", "F", "U", "N", "0", "DS", "FN"))
	case 2:
		return pickOne(r, "SAMSUNG SM-", "samsung SM-", "GT-I") + fmt.Sprint(9000+d(999))
	case 3:
		return fmt.Sprintf("%s-%s%d%s", upper(r, 3), pickOne(r, "L", "LX", "AL", "TL", "NX", "AN", "L2", "W"), d(40), pickOne(r, "", "A", "B", "n"))
	case 4:
		return "HUAWEI " + pickOne(r, "P30 Pro", "Mate 20", "P smart 2019", "Y7 2019", "nova 5T", "MediaPad M5", "Y6 Prime", "G7-L01", "Ascend P7")
	case 5:
		return pickOne(r, "HONOR ", "Honor ", "") + pickOne(r, "X8b", "X7a", "90", "Magic5 Pro", "8X", "9 Lite", "HRY-LX1", "ANY-NX1", "BKL-L09")
	case 6:
		return pickOne(r, "Mi ", "MI ", "Xiaomi Mi ") + pickOne(r, "9T", "8", "A2", "Note 10", "MAX 3", "10T Pro", "5X")
	case 7:
		return pickOne(r, "M2101K6G", "M2007J20CG", "2201117TG", "23021RAAEG", "M2003J15SC", "21091116AG", "220333QAG", fmt.Sprintf("M20%02dJ%dSG", d(13), d(20)))
	case 8:
		return "Redmi " + pickOne(r, "Note 9 Pro", "9A", "Note 12 Pro", "Note 8", "7", "10C", "K40", "Note 11S")
	case 9:
		return pickOne(r, "POCO X3 Pro", "POCO F1", "POCOPHONE F1", "POCO M3")
	case 10:
		return pickOne(r, "CPH", "OPPO CPH") + fmt.Sprint(1800+d(900))
	case 11:
		return pickOne(r, "OPPO A5s", "OPPO Reno2", "PBAM00", "PCLM10", "OPPO R9s", "A37fw", "OPPO F1s")
	case 12:
		return pickOne(r, fmt.Sprintf("RMX%d", 1800+d(2000)), "realme 6", "realme C3")
	case 13:
		return pickOne(r, fmt.Sprintf("V%d", 1900+d(450)), fmt.Sprintf("vivo %d", 1600+d(400)), "vivo Y20", "vivo X60 Pro", "V2027", "I2012")
	case 14:
		return pickOne(r, "ONEPLUS A6003", "ONEPLUS A5010", "GM1913", "HD1903", "IN2023", "LE2123", "KB2003", "NE2213", "CPH2449", "OnePlus 9 Pro")
	case 15:
		return pickOne(r, "ZTE Blade A7 2020", "ZTE BLADE V0720", "ZTE Blade A51", "ZTE A2017U", "ZTE 8030", "Z982", "ZTE Blade L8", "ZTE-U V880", "ZTE_Blade_V8", fmt.Sprintf("ZTE Blade A%d", 10+d(70)), "Z557BL", "ZTE V1000", "ZTE A2020G Pro")
	case 16:
		return pickOne(r, fmt.Sprintf("NX%d%s", 500+d(250), pickOne(r, "J", "S", "H", "J1")), "nubia Z17", "nubia Red Magic", "NX629J", "nubia Play")
	case 17:
		return pickOne(r, "moto g(7) power", "moto g power (2022)", "motorola edge 30", "XT2041-4", "Moto G (5S) Plus", "moto e(6s)", "moto g stylus 5G", "motorola one action", "Moto Z3 Play", fmt.Sprintf("moto g%d", 10+d(80)), "XT1635-02", "MotoG3")
	case 18:
		return pickOne(r, "Nokia 7.2", "TA-1196", "Nokia G20", "Nokia 3.1 Plus", "Nokia X20", "Nokia 1", "TA-1053")
	case 19:
		return pickOne(r, "LG-H870", "LM-G900", "LG-M250", "LG-K350", "LM-X420", "LGMS210", "LG-D855", "VS995", "LM-Q720", "LGL164VL")
	case 20:
		return pickOne(r, "G8441", "SOV33", "SO-01L", "H8216", "XQ-AT51", "Xperia Z3", "E6653", "F5121", "D6603", "C6903", "SonyG8341")
	case 21:
		return pickOne(r, "Pixel 7 Pro", "Pixel 4a (5G)", "Nexus 5X", "Pixel 3", "Pixel 8", "Nexus 7", "Pixel C", "Nexus 6P")
	case 22:
		return pickOne(r, "ASUS_X00TD", "ASUS_I001DC", "ASUS_Z01RD", "ZenFone 5", "ASUS_X008D", "P00C", "Nexus 10")
	case 23:
		return pickOne(r, "Lenovo TB-X606F", "Lenovo K8 Note", "Lenovo A6020a40", "Lenovo TB-8504F", "Lenovo YT-X703F", "TB-X304F")
	case 24:
		return pickOne(r, "TECNO KF6i", "TECNO CE7", "Infinix X6816", "Infinix X657B", "itel A571W", "itel L6502")
	case 25:
		return pickOne(r, "5033D", "5024D_EEA", "Alcatel 1", "ALCATEL ONE TOUCH 5036D", "Alcatel_5044R", "9008X")
	case 26:
		return pickOne(r, "HTC One M9", "HTC U11", "HTC_One_M8", "HTC Desire 626s", "HTC Sensation Z710e", "2PS64")
	case 27:
		return pickOne(r, "KFTRWI", "KFMAWI", "KFKAWI", "AFTMM", "AFTT", "SM-T510", "Lenovo TB-X505F")
	case 28:
		return pickOne(r, "T671H", "TCL 10 Pro", "5102J", "TCL T790Y", "Meizu 16th", "MX6", "M6 Note", "BV9900", "Blackview A80", "DOOGEE X95")
	case 29:
		return pickOne(r, "Hisense E50", "HLTE202N", "Vodafone Smart ultra 6", "VFD 510", "AGS2-W09", "BAH3-W09", "MRX-W09", "KOB2-L09")
	case 30:
		return pickOne(r, "Mi A1", "MiTV-MOOQ0", "BRAVIA 4K GB", "SHIELD Android TV", "AFTKA", "MIBOX3", "Chromecast")
	case 31:
		return pickOne(r, "K", "Android SDK built for x86", "sdk_gphone64_x86_64", "generic", "Custom", "rk3399", "unknown", "AOSP on IA Emulator")
	case 32:
		return fmt.Sprintf("%s%d%s", pickOne(r, "A", "B", "X", "Q", "M", "G", "S", "T"), d(10000), pickOne(r, "", "S", "Pro", " Plus", "-L21"))
	}
	return upper(r, 2+d(4)) + "-" + fmt.Sprint(d(1000))
}

func androidVersion(r *rand.Rand) string {
	return pickOne(r, "4.0.4", "4.1.2", "4.4.2", "5.0", "5.1.1", "6.0.1", "7.0", "7.1.2", "8.0.0", "8.1.0", "9", "10", "11", "12", "13", "14", "15", "2.3.6", "2.1-update1")
}

func chromeVersion(r *rand.Rand) string {
	return fmt.Sprintf("%d.0.%d.%d", 60+r.IntN(70), r.IntN(6500), r.IntN(250))
}

func buildID(r *rand.Rand) string {
	return pickOne(r, "QP1A.190711.020", "RKQ1.200826.002", "TP1A.220624.014", "PPR1.180610.011", "LMY47V", "KOT49H", "HUAWEI"+upper(r, 3)+"-L21", "HONOR"+upper(r, 3)+"-N31", "NRD90M", "MMB29M")
}

// androidUA builds one Android UA in a random client format.
func androidUA(r *rand.Rand) string {
	m, v, c := androidModel(r), androidVersion(r), chromeVersion(r)
	loc := pickOne(r, "en-us", "en-gb", "de-de", "zh-cn", "ru-ru", "es-US", "id-id")
	switch r.IntN(14) {
	case 0, 1, 2, 3:
		return fmt.Sprintf("Mozilla/5.0 (Linux; Android %s; %s) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%s Mobile Safari/537.36", v, m, c)
	case 4:
		return fmt.Sprintf("Mozilla/5.0 (Linux; Android %s; %s Build/%s; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/%s Mobile Safari/537.36", v, m, buildID(r), c)
	case 5:
		return fmt.Sprintf("Mozilla/5.0 (Linux; U; Android %s; %s; %s Build/%s) AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 Mobile Safari/534.30", v, loc, m, buildID(r))
	case 6:
		return fmt.Sprintf("Dalvik/%s (Linux; U; Android %s; %s Build/%s)", pickOne(r, "1.6.0", "2.1.0"), v, m, buildID(r))
	case 7:
		return fmt.Sprintf("Mozilla/5.0 (Linux; Android %s; %s) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/%d.0 Chrome/%s Mobile Safari/537.36", v, m, 5+r.IntN(20), c)
	case 8:
		return fmt.Sprintf("Mozilla/5.0 (Linux; Android %s; %s) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%s Safari/537.36", v, m, c)
	case 9:
		return fmt.Sprintf("Mozilla/5.0 (Android %s; %s; rv:%d.0) Gecko/%d.0 Firefox/%d.0", v, pickOne(r, "Mobile", "Tablet"), 68+r.IntN(60), 68+r.IntN(60), 68+r.IntN(60))
	case 10:
		return fmt.Sprintf("Mozilla/5.0 (Linux; U; Android %s; %s; %s Build/%s) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/%s UCBrowser/13.%d.0.1306 Mobile Safari/537.36", v, loc, m, buildID(r), c, r.IntN(9))
	case 11:
		return fmt.Sprintf("Mozilla/5.0 (Linux; Android %s; %s Build/%s; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/%s Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/%d.0.0.%d.%d;]", v, m, buildID(r), c, 200+r.IntN(250), r.IntN(99), r.IntN(200))
	case 12:
		return fmt.Sprintf("Mozilla/5.0 (Linux; Android %s; %s) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%s Mobile Safari/537.36 OPR/%d.%d.2254.%d", v, m, c, 60+r.IntN(20), r.IntN(9), r.IntN(99999))
	}
	return fmt.Sprintf("Mozilla/5.0 (Linux; Android %s; %s; HMSCore %d.%d.0.302) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%s HuaweiBrowser/%d.0.%d.300 Mobile Safari/537.36", v, m, 5+r.IntN(3), r.IntN(14), c, 10+r.IntN(5), r.IntN(9))
}

// otherUA builds a non-Android UA: iOS, desktop, feature phones, TVs, bots and
// command-line clients.
func otherUA(r *rand.Rand) string {
	ios := fmt.Sprintf("%d_%d", 9+r.IntN(9), r.IntN(7))
	switch r.IntN(30) {
	case 0, 1, 2:
		return fmt.Sprintf("Mozilla/5.0 (iPhone; CPU iPhone OS %s like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/%d.0 Mobile/15E148 Safari/604.1", ios, 9+r.IntN(9))
	case 3:
		return fmt.Sprintf("Mozilla/5.0 (iPad; CPU OS %s like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/%s Mobile/15E148 Safari/604.1", ios, chromeVersion(r))
	case 4:
		return fmt.Sprintf("Mozilla/5.0 (iPod touch; CPU iPhone OS %s like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148", ios)
	case 5:
		return fmt.Sprintf("Instagram %d.0.0.%d.%d (iPhone%d,%d; iOS %s; en_US; en-US; scale=3.00; 1170x2532; %d)", 100+r.IntN(200), r.IntN(40), r.IntN(200), 8+r.IntN(8), 1+r.IntN(5), ios, r.IntN(999999))
	case 6:
		return fmt.Sprintf("%s/%d.%d CFNetwork/%d.0.4 Darwin/%d.5.0", pickOne(r, "MyApp", "Spotify", "com.apple.WebKit.Networking", "Mail"), r.IntN(20), r.IntN(9), 1200+r.IntN(300), 19+r.IntN(5))
	case 7, 8, 9:
		return fmt.Sprintf("Mozilla/5.0 (Windows NT %s; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%s Safari/537.36%s", pickOne(r, "10.0", "6.1", "6.3", "6.2", "5.1", "11.0"), chromeVersion(r), pickOne(r, "", " Edg/120.0.2210.91", " OPR/105.0.0.0"))
	case 10:
		return fmt.Sprintf("Mozilla/5.0 (Windows NT %s; %srv:%d.0) Gecko/20100101 Firefox/%d.0", pickOne(r, "10.0", "6.1"), pickOne(r, "Win64; x64; ", "WOW64; ", ""), 50+r.IntN(80), 50+r.IntN(80))
	case 11:
		return "Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.1; Trident/6.0)"
	case 12, 13:
		return fmt.Sprintf("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_%d) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/%d.%d Safari/605.1.15", r.IntN(8), 13+r.IntN(5), r.IntN(5))
	case 14:
		return fmt.Sprintf("Mozilla/5.0 (Macintosh; Intel Mac OS X 10.%d; rv:%d.0) Gecko/20100101 Firefox/%d.0", 10+r.IntN(6), 60+r.IntN(60), 60+r.IntN(60))
	case 15:
		return fmt.Sprintf("Mozilla/5.0 (X11; %s) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%s Safari/537.36", pickOne(r, "Linux x86_64", "Ubuntu; Linux x86_64", "CrOS x86_64 14541.0.0", "Linux aarch64", "FreeBSD amd64"), chromeVersion(r))
	case 16:
		return fmt.Sprintf("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:%d.0) Gecko/20100101 Firefox/%d.0", 60+r.IntN(60), 60+r.IntN(60))
	case 17, 18:
		return pickOne(r,
			"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
			"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
			"Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/"+chromeVersion(r)+" Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
			"Mozilla/5.0 (iPhone; CPU iPhone OS 14_7_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/14.1.2 Mobile/15E148 Safari/604.1 (compatible; AdsBot-Google-Mobile; +http://www.google.com/mobile/adsbot.html)",
			"Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
			"Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
			"Mozilla/5.0 (Linux; Android 7.0;) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; PetalBot;+https://webmaster.petalsearch.com/site/petalbot)",
			"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
			"Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
			"Twitterbot/1.0", "WhatsApp/2.23.20.0 A", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)")
	case 19, 20:
		return pickOne(r, "curl/", "Wget/", "python-requests/", "Go-http-client/", "okhttp/", "Java/", "Apache-HttpClient/", "PostmanRuntime/", "aiohttp/", "libwww-perl/", "axios/", "node-fetch/", "Python-urllib/") +
			fmt.Sprintf("%d.%d.%d", r.IntN(9), r.IntN(40), r.IntN(20))
	case 21, 22:
		return pickOne(r,
			"Nokia6300/2.0 (05.00) Profile/MIDP-2.0 Configuration/CLDC-1.1",
			"SAMSUNG-SGH-E250/1.0 Profile/MIDP-2.0 Configuration/CLDC-1.1 UP.Browser/6.2.3.3.c.1.101 (GUI) MMP/2.0",
			"SonyEricssonK750i/R1AA Browser/SEMC-Browser/4.2 Profile/MIDP-2.0 Configuration/CLDC-1.1",
			"MOT-V3/0E.40.3CR MIB/2.2.1 Profile/MIDP-2.0 Configuration/CLDC-1.1",
			"LG-KG800 Obigo/WAP2.0 MIDP-2.0/CLDC-1.1",
			fmt.Sprintf("Huawei/1.0/0Huawei%s%d/WAP2.0/Obigo-Browser/Q03C MMS/Obigo-MMS/1.2", pickOne(r, "G", "T", "U", "C"), 1000+r.IntN(8000)),
			fmt.Sprintf("ZTE-%s%d/1.0 SMIT-Browser/2.0.0", pickOne(r, "C", "U V", "G R", ""), 10+r.IntN(900)),
			"Opera/9.80 (J2ME/MIDP; Opera Mini/4.2.14912/870; U; id) Presto/2.4.15",
			"Mozilla/5.0 (Series40; Nokia311/03.81; Profile/MIDP-2.1 Configuration/CLDC-1.1) Gecko/20100401 S40OviBrowser/2.2.0.0.31",
			"Mozilla/5.0 (SymbianOS/9.4; Series60/5.0 Nokia5800d-1/60.0.003; Profile/MIDP-2.1 Configuration/CLDC-1.1 ) AppleWebKit/533.4 (KHTML, like Gecko) NokiaBrowser/7.3.1.33 Mobile Safari/533.4 3gpp-gba",
			"Mozilla/5.0 (Mobile; Nokia_8110_4G; rv:48.0) Gecko/48.0 Firefox/48.0 KAIOS/2.5",
			"Mozilla/5.0 (Mobile; LYF/F300B/LYF-F300B-001-01-15-130718-i;Android; rv:48.0) Gecko/48.0 Firefox/48.0 KAIOS/2.5",
			"BlackBerry9700/5.0.0.351 Profile/MIDP-2.1 Configuration/CLDC-1.1 VendorID/123",
			"Mozilla/5.0 (BB10; Touch) AppleWebKit/537.10+ (KHTML, like Gecko) Version/10.0.9.2372 Mobile Safari/537.10+",
			"Mozilla/5.0 (compatible; MSIE 10.0; Windows Phone 8.0; Trident/6.0; IEMobile/10.0; ARM; Touch; NOKIA; Lumia 920)",
			"Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.15063",
			"HUAWEI-C2905/1.0 Profile/MIDP-2.0", "Vodafone/1.0/0Vodafone716/B116 Browser/Obigo-Browser/Q05A MMS/Obigo-MMS/Q05A SyncML/HW-SyncML/1.0 Java/HWJa/1.0 Profile/MIDP-2.0 Configuration/CLDC-1.1",
			"Mozilla/5.0 (Mobile; ZTE; rv:84.0) Gecko/84.0 Firefox/84.0 KAIOS/3.0", "UCWEB/2.0 (MIDP-2.0; U; Adr 9.0.0; en-US; SM-G960F) U2/1.0.0 UCBrowser/13.0.0.1288 U2/1.0.0 Mobile",
			"Mozilla/5.0 (Linux; Tizen 2.3; SAMSUNG SM-Z130H) AppleWebKit/537.3 (KHTML, like Gecko) SamsungBrowser/1.0 Mobile Safari/537.3")
	case 23:
		return pickOne(r,
			"Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/538.1 (KHTML, like Gecko) Version/6.0 TV Safari/538.1",
			"Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/79.0.3945.79 Safari/537.36 WebAppManager",
			"HbbTV/1.5.1 (+DRM;Samsung;SmartTV2019;T-KTMDEUC-1106.2;;) Tizen/5.0 (+TVPLUS+SmartHubLink) Chrome/56",
			"Roku/DVP-9.10 (519.10E04111A)", "AppleTV11,1/11.1", "Mozilla/5.0 (X11; Linux armv7l) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.114 Safari/537.36 CrKey/1.56.500000",
			"Mozilla/5.0 (PlayStation 4 3.11) AppleWebKit/537.73 (KHTML, like Gecko)", "Mozilla/5.0 (Nintendo Switch; WifiWebAuthApplet) AppleWebKit/606.4 (KHTML, like Gecko) NF/6.0.1.15.4 NintendoBrowser/5.1.0.20393",
			"Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19041")
	case 24:
		return pickOne(r,
			"Mozilla/5.0 (Phone; OpenHarmony 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 ArkWeb/4.1.6.1 Mobile HuaweiBrowser/5.0.4.300",
			"Mozilla/5.0 (Linux; Android 10; HarmonyOS; NOH-AN00; HMSCore 6.13.0.302) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 HuaweiBrowser/14.0.5.302 Mobile Safari/537.36",
			"Mozilla/5.0 (Linux; Android 13; ALI-NX1 Build/HONORALI-N31; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/104.0.5112.97 Mobile Safari/537.36 HONORBrowser/8.0.3.301",
			"Mozilla/5.0 (Tablet; OpenHarmony 4.1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 ArkWeb/4.1.6.1")
	case 25:
		// Odd, truncated and hostile inputs.
		return pickOne(r, "Mozilla/5.0", "-", "Mozilla/4.0 (compatible;)", "Mozilla/5.0 (Linux; Android 10;", "x", "()", ";;;", "Mozilla/5.0 (Linux; Android 10; \u212aSAMSUNG SM-G960F)",
			"Mozilla/5.0 (Linux; Android 9; \u017fony G8341 Build/47.2.A) AppleWebKit/537.36", "Mozilla/5.0 (Linux; Android 11; SM-A\xff515F) AppleWebKit/537.36", "Mozilla/5.0 (Linux; Android 12; Ñokia 3.4) Mobile Safari/537.36",
			"Mozilla/5.0 (Linux; Android 10; HUAWEI\tP30) Mobile", strings.Repeat("Android ", 20))
	}
	return fmt.Sprintf("Mozilla/5.0 (Linux; Android %s; %s) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%s Mobile Safari/537.36", androidVersion(r), androidModel(r), chromeVersion(r))
}

// generateUAs returns n User-Agents, about two thirds of them Android, from a
// fixed seed so that failures reproduce.
func generateUAs(n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	out := make([]string, 0, n)
	for len(out) < n {
		if r.IntN(3) < 2 {
			out = append(out, androidUA(r))
		} else {
			out = append(out, otherUA(r))
		}
	}
	return out
}
