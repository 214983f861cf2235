package policy_test

import (
	"testing"

	"github.com/coveredtool/covered/internal/policy"
)

// lookupWant is what a lookup must return; name "" means no company.
type lookupWant struct {
	name, entity string
	covered      bool
	review       string
}

func TestCompany(t *testing.T) {
	tests := []struct {
		in   string
		want lookupWant
	}{
		{"HUAWEI TECHNOLOGIES CO.,LTD", lookupWant{"Huawei", "huawei", true, ""}},
		{"Huawei Device Co., Ltd.", lookupWant{"Huawei", "huawei", true, ""}},
		{"huawei", lookupWant{"Huawei", "huawei", true, ""}},
		{"Honor Device Co., Ltd.", lookupWant{"Honor", "huawei", false, "former-affiliate"}},
		{"HiSilicon", lookupWant{"HiSilicon", "huawei", false, "hisilicon-component"}},
		{"New H3C Technologies Co., Ltd", lookupWant{"H3C", "", false, ""}},
		{"Shanghai Dahua Scale Factory", lookupWant{"Shanghai Dahua Scale", "", false, ""}},
		{"Hangzhou Hikvision Digital Technology Co.,Ltd.", lookupWant{"Hikvision", "hikvision", true, ""}},
		{"Zhejiang Dahua Technology Co., Ltd.", lookupWant{"Dahua", "dahua", true, ""}},
		{"Hangzhou Ezviz Software Co.,Ltd.", lookupWant{"EZVIZ", "hikvision", true, ""}},
		{"ezviz", lookupWant{"EZVIZ", "hikvision", true, ""}},
		{"Kaspersky Lab ZAO", lookupWant{"Kaspersky", "kaspersky", true, ""}},
		{"Kaspersky Lab, Inc.", lookupWant{"Kaspersky", "kaspersky", true, ""}},
		{"Sichuan Tianyi Comheart Telecom Co.,LTD", lookupWant{"Tianyi Comheart", "", false, ""}},
		{"Teltronic S.A.U.", lookupWant{"Teltronic", "hytera", true, ""}},
		{"Teltronic AG", lookupWant{"Teltronic AG", "", false, ""}},
		{"Sepura plc", lookupWant{"Sepura", "hytera", false, "former-affiliate"}},
		{"Lorex", lookupWant{"Lorex", "dahua", false, "former-affiliate"}},
		{"Amcrest", lookupWant{"Amcrest", "dahua", false, ""}},
		{"LT Security", lookupWant{"LTS", "hikvision", false, ""}},
		{"DJI", lookupWant{"DJI", "", false, "fcc-category"}},
		{"China Telecom (Americas) Corp.", lookupWant{"China Telecom Americas", "china-telecom", false, ""}},
		{"Q-See", lookupWant{"Q-See", "dahua", false, ""}},
		{"CP PLUS GMBH & CO. KG", lookupWant{"CP Plus GmbH & Co. KG", "", false, ""}},
		{"Cisco Systems, Inc", lookupWant{}},
		{"", lookupWant{}},
		{"Co., Ltd.", lookupWant{}},
	}
	l := policy.Builtin()
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, ok := l.Company(tt.in)
			checkLookup(t, c, ok, tt.want)
		})
	}
}

func TestCompanyByRegistrant(t *testing.T) {
	// Registrant strings as the IEEE and IANA registries spell them
	// (shared/domain covered_ouis.csv, lookalike_not_covered_ouis.csv,
	// covered_pens.csv, and Debian ieee-data for the unrelated makers).
	tests := []struct {
		in   string
		want lookupWant
	}{
		{"HUAWEI TECHNOLOGIES CO.,LTD", lookupWant{"Huawei", "huawei", true, ""}},
		{"Huawei Technologies Co.,Ltd", lookupWant{"Huawei", "huawei", true, ""}},
		{"HUAWEI Technology Co.,Ltd", lookupWant{"Huawei", "huawei", true, ""}},
		{"Huawei Device Co., Ltd.", lookupWant{"Huawei", "huawei", true, ""}},
		{"Huawei Symantec Technologies Co.,Ltd.", lookupWant{"Huawei Symantec", "huawei", true, ""}},
		{"Hisilicon Technologies Co., Ltd", lookupWant{"HiSilicon", "huawei", false, "hisilicon-component"}},
		{"Honor Device Co., Ltd.", lookupWant{"Honor", "huawei", false, "former-affiliate"}},
		{"SHENZHEN HONOR ELECTRONIC CO.,LTD", lookupWant{"Shenzhen Honor Electronic", "", false, ""}},
		{"New H3C Technologies Co., Ltd", lookupWant{"H3C", "", false, ""}},
		{"Hangzhou H3C Technologies Co., Limited", lookupWant{"H3C", "", false, ""}},
		{"New H3C Intelligence Terminal Co., Ltd.", lookupWant{"H3C", "", false, ""}},
		{"H3C", lookupWant{"H3C", "", false, ""}},
		{"zte corporation", lookupWant{"ZTE", "zte", true, ""}},
		{"Zhongxing Telecom Co.,ltd. (abbr. ZTE)", lookupWant{"ZTE", "zte", true, ""}},
		{"Nubia Technology Co.,Ltd.", lookupWant{"Nubia", "zte", true, ""}},
		{"CALTTA TECHNOLOGIES CO.,LTD.", lookupWant{"Caltta", "zte", false, "unverified-affiliate"}},
		{"SHANGHAI ZTE TECHNOLOGIES CO.,LTD", lookupWant{"Shanghai ZTE", "zte", false, "unverified-affiliate"}},
		{"ztevision", lookupWant{"ztevision", "zte", false, "unverified-affiliate"}},
		{"ZTEC Instruments, Inc.", lookupWant{"ZTEC Instruments", "", false, ""}},
		{"Hangzhou Hikvision Digital Technology Co.,Ltd.", lookupWant{"Hikvision", "hikvision", true, ""}},
		{"Hikvision Digital Technology Co., Ltd.", lookupWant{"Hikvision", "hikvision", true, ""}},
		{"Hangzhou Ezviz Software Co.,Ltd.", lookupWant{"EZVIZ", "hikvision", true, ""}},
		{"Hangzhou Microimage Software Co., Ltd", lookupWant{"HIKMICRO", "hikvision", true, ""}},
		{"Hangzhou Hikrobot Technology Co., Ltd.", lookupWant{"Hikrobot", "hikvision", true, ""}},
		{"Prama Hikvision India Private Limited", lookupWant{"Prama Hikvision", "hikvision", true, ""}},
		{"ZHEJIANG HIKAILINK TECHNOLOGY Co., Ltd", lookupWant{"Hikailink", "hikvision", false, "unverified-affiliate"}},
		{"Zhejiang Dahua Technology Co., Ltd.", lookupWant{"Dahua", "dahua", true, ""}},
		{"Zhejiang Dahua Technologyco.,Ltd", lookupWant{"Dahua", "dahua", true, ""}},
		{"ZHEJIANG DAHUA TECHNOLOGY CO.,LTD", lookupWant{"Dahua", "dahua", true, ""}},
		{"Hangzhou Huacheng Network Technology Co.,Ltd", lookupWant{"Imou", "dahua", true, ""}},
		{"hangzhou huacheng network technology co., ltd", lookupWant{"Imou", "dahua", true, ""}},
		{"Zhejiang HuaRay Technology Co.,Ltd", lookupWant{"HuaRay", "dahua", true, ""}},
		{"Shanghai Dahua Scale Factory", lookupWant{"Shanghai Dahua Scale", "", false, ""}},
		{"Amcrest Technologies", lookupWant{"Amcrest", "dahua", false, ""}},
		{"Lorex Technology Inc.", lookupWant{"Lorex", "dahua", false, "former-affiliate"}},
		{"Hytera Communications Co .,ltd", lookupWant{"Hytera", "hytera", true, ""}},
		{"Hytera Communications Corporation Limited", lookupWant{"Hytera", "hytera", true, ""}},
		{"Hytera Broadband Products", lookupWant{"Hytera", "hytera", true, ""}},
		{"Hytera Austria GmbH", lookupWant{"Hytera", "hytera", true, ""}},
		{"Norsat International Inc.", lookupWant{"Norsat", "hytera", true, ""}},
		{"Sinclair Technologies, a division of Norsat International Inc.", lookupWant{"Sinclair", "hytera", true, ""}},
		{"Teltronic S.A.U.", lookupWant{"Teltronic", "hytera", true, ""}},
		{"Teltronic AG", lookupWant{"Teltronic AG", "", false, ""}},
		{"Teltronics, Inc.", lookupWant{"Teltronics", "", false, ""}},
		{"Sepura Plc", lookupWant{"Sepura", "hytera", false, "former-affiliate"}},
		{"Kaspersky Lab ZAO", lookupWant{"Kaspersky", "kaspersky", true, ""}},
		{"Kaspersky Lab Middle-East FZ-LLC", lookupWant{"Kaspersky Lab Middle East", "kaspersky", true, ""}},
		{"China Mobile Group Device Co.,Ltd.", lookupWant{"China Mobile", "china-mobile", false, ""}},
		{"China Mobile(Hangzhou) Information Technology Co.,Ltd.", lookupWant{"China Mobile", "china-mobile", false, ""}},
		{"chinamobile soc platform", lookupWant{"China Mobile", "china-mobile", false, ""}},
		{"Research Institute of China Mobile", lookupWant{"China Mobile", "china-mobile", false, ""}},
		{"China Telecom Corporation Limited", lookupWant{"China Telecom", "china-telecom", false, ""}},
		{"China Telecom-Guangzhou Research and Development Center", lookupWant{"China Telecom", "china-telecom", false, ""}},
		{"Tianyi Telecom Terminals Company Limited", lookupWant{"China Telecom", "china-telecom", false, ""}},
		{"China Telecommunication Technology Labs", lookupWant{"CAICT", "", false, ""}},
		{"Sichuan Tianyi Comheart Telecom Co.,LTD", lookupWant{"Tianyi Comheart", "", false, ""}},
		{"Sichuan tianyi kanghe communications co., LTD", lookupWant{"Tianyi Kanghe", "", false, ""}},
		{"Sichuan Tianyi Information Science & Technology Stock CO.,LTD", lookupWant{"Sichuan Tianyi Information", "", false, ""}},
		{"ChinaUnicom", lookupWant{"China Unicom", "china-unicom", false, ""}},
		{"CUSI(China unicom system integration limited corporation)", lookupWant{"China Unicom", "china-unicom", false, ""}},
		{"Unicom Vsens Telecommunications Co., Ltd.", lookupWant{"China Unicom", "china-unicom", false, ""}},
		{"Unicom Global, Inc.", lookupWant{"Unicom Global", "", false, ""}},
		{"UNICOMPUTER GMBH", lookupWant{"Unicomp", "", false, ""}},
		{"FIRST PACIFIC NETWORKS, INC.", lookupWant{"First Pacific Networks", "", false, ""}},
		{"ARLOTTO COMNET, INC.", lookupWant{"Arlotto Comnet", "", false, ""}},
		{"Zhejiang Uniview Technologies Co.,Ltd.", lookupWant{"Uniview", "", false, ""}},
		{"TP-LINK TECHNOLOGIES CO.,LTD.", lookupWant{"TP-Link", "", false, ""}},
		{"SZ DJI TECHNOLOGY CO.,LTD", lookupWant{"DJI", "", false, "fcc-category"}},
		{"Autel Robotics USA LLC", lookupWant{"Autel Robotics", "", false, "fcc-category"}},
		{"Changsha keruijie lnformation Technology Co.,Ltd", lookupWant{}},
		{"CP PLUS GMBH & CO. KG", lookupWant{"CP Plus GmbH & Co. KG", "", false, ""}},
		{"Scildon", lookupWant{}},
		{"Cisco Systems, Inc", lookupWant{}},
		{"", lookupWant{}},
	}
	l := policy.Builtin()
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			for range 2 { // the second call is answered from the cache
				c, ok := l.CompanyByRegistrant(tt.in)
				checkLookup(t, c, ok, tt.want)
			}
		})
	}
}

func checkLookup(t *testing.T, c *policy.Company, ok bool, want lookupWant) {
	t.Helper()
	if want.name == "" {
		if ok {
			t.Errorf("got company %q, want none", c.Name)
		}
		return
	}
	if !ok {
		t.Fatalf("no company, want %q", want.name)
	}
	got := lookupWant{c.Name, c.Entity, c.Covered, c.Review}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func BenchmarkCompany(b *testing.B) {
	l := policy.Builtin()
	names := []string{"Hikvision", "HUAWEI TECHNOLOGIES CO.,LTD", "Cisco Systems, Inc", "Zhejiang Dahua Technology Co., Ltd.", "EZVIZ"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		l.Company(names[i%len(names)])
	}
}

func BenchmarkCompanyByRegistrant(b *testing.B) {
	l := policy.Builtin()
	orgs := []string{"HUAWEI TECHNOLOGIES CO.,LTD", "Hangzhou Hikvision Digital Technology Co.,Ltd.", "Cisco Systems, Inc", "New H3C Technologies Co., Ltd", "zte corporation"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		l.CompanyByRegistrant(orgs[i%len(orgs)])
	}
}

// TestCompanyByASN: the covered carriers' own networks belong to the
// providers the list names; their groups' networks to the groups.
func TestCompanyByASN(t *testing.T) {
	l := policy.Builtin()
	tests := []struct {
		asn      uint32
		name     string
		provider bool
	}{
		{36678, "China Telecom Americas", true},
		{19174, "China Unicom Americas", true},
		{4134, "China Telecom", false},
		{4837, "China Unicom", false},
		{9808, "China Mobile", false},
		{58453, "China Mobile", false},
		{64500, "", false},
	}
	for _, tt := range tests {
		c, ok := l.CompanyByASN(tt.asn)
		if tt.name == "" {
			if ok {
				t.Errorf("AS%d: got %s, want none", tt.asn, c.Name)
			}
			continue
		}
		if !ok || c.Name != tt.name || (c.Kind == policy.KindProvider) != tt.provider || c.Entity == "" {
			t.Errorf("AS%d: got %+v (found %v), want %s provider=%v", tt.asn, c, ok, tt.name, tt.provider)
		}
	}
}
