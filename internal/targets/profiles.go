package targets

import (
	"fmt"
	"slices"
	"strings"
)

// PortInfo documents one port of a profile. The reasons are data, not
// comments, so that `covered scan --profile` help and reviews show them and
// a test can insist every port has one.
type PortInfo struct {
	Port      uint16
	Transport string // "tcp" or "udp"
	Service   string // short protocol name (IANA's where it has one)
	Why       string // why covered gear is found here, with the source
}

// Sources: "§5", "§7" and "§8" are sections of the shared/domain README
// (SNMP enterprise numbers, identification signals seen in the wild, safe
// checks); RFCs are cited by number, the IANA service-name registry by the
// name it gives the port. "De facto" marks a port vendors use without an
// assignment; those cite the RFC of the protocol spoken there.
var defaultPorts = []PortInfo{
	{21, "tcp", "ftp", "RFC 959; the FTP banner names the firmware of NVRs and CPEs (DESIGN ftp.banner)"},
	{22, "tcp", "ssh", "RFC 4253 §4.2 identification string; §7 Huawei SSH-2.0-HUAWEI-*, H3C Comware look-alike"},
	{23, "tcp", "telnet", "RFC 854; §7 Huawei, ZTE, Hikvision and HiSilicon DVR login prompts"},
	{25, "tcp", "smtp", "RFC 5321 greeting; common service (DESIGN smtp.banner)"},
	{80, "tcp", "http", "RFC 9110; §7 Hikvision-Webs, Dahua, ZTE and Huawei HomeGateway Server headers and realms"},
	{443, "tcp", "https", "RFC 9110; §7 Hikvision default certificate and the same web signals as 80"},
	{445, "tcp", "microsoft-ds", "IANA microsoft-ds; common service, so Windows hosts are identified rather than left unknown"},
	{554, "tcp", "rtsp", "RFC 7826; §7 Hikvision RTSP realm, Dahua Rtsp Server"},
	{830, "tcp", "netconf-ssh", "RFC 6242 NETCONF over SSH on carrier routers and switches; its SSH banner names the vendor when 22 is closed"},
	{3389, "tcp", "ms-wbt-server", "IANA ms-wbt-server (RDP); common service for telling workstations apart"},
	{5060, "tcp", "sip", "RFC 3261 §19.1.2; §7 Huawei and ZTE SIP User-Agent/Server headers"},
	{5061, "tcp", "sips", "RFC 3261 §19.1.2 SIP over TLS; certificate of IP phones and voice gateways"},
	{7547, "tcp", "cwmp", "IANA cwmp (Broadband Forum TR-069); §7 Huawei and ZTE CPE management"},
	{8000, "tcp", "hikvision-sdk", "§7 Hikvision SDK port (fixed hello on connect)"},
	{8080, "tcp", "http-alt", "IANA http-alt; alternate web UI of routers, ONTs and NVRs"},
	{8081, "tcp", "http-alt", "IANA sunproxyadmin, in practice a second alternate web UI port"},
	{8443, "tcp", "https-alt", "IANA pcsync-https, in practice the alternate HTTPS management UI"},
	{8554, "tcp", "rtsp-alt", "IANA rtsp-alt; RTSP when 554 is taken or forwarded"},
	{8888, "tcp", "http-alt", "IANA ddi-tcp-1, in practice an alternate web UI port"},
	{9527, "tcp", "hisilicon-debug", "§7/§8 HiSilicon/Xiongmai DVR debug console; connect only"},
	{9530, "tcp", "hisilicon-activation", "§7/§8 HiSilicon DVR backdoor activation listener; connect only, never send"},
	{34567, "tcp", "xmeye", "§7 XMEye NetSDK on HiSilicon/Xiongmai DVRs"},
	{37215, "tcp", "huawei-upnp", "§7/§8 Huawei HG532 UPnP/TR-064 (CVE-2017-17215); connect and fingerprint only"},
	{37777, "tcp", "dahua-sdk", "§7 Dahua private SDK protocol"},
	{49152, "tcp", "upnp", "RFC 6335 §6 first dynamic port, where UPnP stacks serve the device description; §7 Huawei-ATP-IGD"},

	{53, "udp", "domain", "RFC 1035; CHAOS version.bind of CPE DNS forwarders (DESIGN dns.version_bind)"},
	{161, "udp", "snmp", "RFC 3414 engine-ID discovery needs no community; §5/§7 sysObjectID and Huawei VRP sysDescr"},
	{1900, "udp", "ssdp", "IANA ssdp (UPnP Device Architecture); §7 SERVER Linux UPnP/1.0 Huawei-ATP-IGD"},
	{3702, "udp", "ws-discovery", "IANA ws-discovery (OASIS WS-Discovery 1.1); ONVIF cameras answer Probe"},
	{5060, "udp", "sip", "RFC 3261 §18; §7 Huawei and ZTE SIP headers (OPTIONS)"},
	{5353, "udp", "mdns", "RFC 6762; device and service names"},
	{37020, "udp", "hikvision-sadp", "§7 Hikvision SADP discovery"},
	{37810, "udp", "dahua-dhip", "§7 Dahua DHIP discovery"},
}

// quickPorts are the most telling ports, a subset of defaultPorts: each one
// alone often names the maker.
var quickPorts = []string{
	"tcp/22", "tcp/23", "tcp/80", "tcp/443", "tcp/554", "tcp/8000", "tcp/37777",
	"udp/161", "udp/37020", "udp/37810",
}

// fullExtra is added to defaultPorts for the full profile: other common
// service ports. Industrial-control ports (Modbus 502, S7 102, BACnet 47808)
// are left out on purpose: some controllers misbehave even on a connect.
// Printer ports (515, 631, 9100-9107) are never in a profile.
var fullExtra = []PortInfo{
	{53, "tcp", "domain", "RFC 1035 (TCP for large answers); DNS on routers"},
	{81, "tcp", "http-alt", "IANA hosts2-ns, in practice an alternate web UI port on forwarded NVRs"},
	{88, "tcp", "kerberos", "RFC 4120; common service (domain controllers)"},
	{110, "tcp", "pop3", "RFC 1939; common service"},
	{111, "tcp", "sunrpc", "RFC 5531; common service (Unix, NAS)"},
	{135, "tcp", "epmap", "IANA epmap (MS RPC); common service"},
	{139, "tcp", "netbios-ssn", "RFC 1001/1002; common service"},
	{143, "tcp", "imap", "RFC 9051; common service"},
	{179, "tcp", "bgp", "RFC 4271; routers; connect only"},
	{389, "tcp", "ldap", "RFC 4511; common service"},
	{465, "tcp", "submissions", "RFC 8314; common service"},
	{587, "tcp", "submission", "RFC 6409; common service"},
	{636, "tcp", "ldaps", "RFC 4513 / IANA ldaps; common service"},
	{873, "tcp", "rsync", "IANA rsync; NAS and servers"},
	{990, "tcp", "ftps", "RFC 4217; certificate of FTP servers"},
	{992, "tcp", "telnets", "IANA telnets; Telnet over TLS on network gear"},
	{993, "tcp", "imaps", "RFC 8314; common service"},
	{995, "tcp", "pop3s", "RFC 8314; common service"},
	{1080, "tcp", "socks", "RFC 1928; proxies"},
	{1194, "tcp", "openvpn", "IANA openvpn; VPN gateways"},
	{1433, "tcp", "ms-sql-s", "IANA ms-sql-s; common service"},
	{1720, "tcp", "h323hostcall", "IANA h323hostcall (ITU-T H.225); video-conferencing endpoints"},
	{1723, "tcp", "pptp", "RFC 2637; CPE routers"},
	{1883, "tcp", "mqtt", "IANA mqtt; IoT devices and brokers"},
	{1935, "tcp", "rtmp", "IANA macromedia-fcs (RTMP); camera live streaming"},
	{2000, "tcp", "cisco-sccp", "IANA cisco-sccp; Cisco phones and look-alike voice gear"},
	{2049, "tcp", "nfs", "RFC 7530; NAS and servers"},
	{2222, "tcp", "ssh", "RFC 4253 SSH on the de facto alternate port (IANA gives 2222 to EtherNet/IP; connect and banner only)"},
	{2323, "tcp", "telnet", "RFC 854 Telnet on the de facto alternate port of IoT firmware"},
	{3306, "tcp", "mysql", "IANA mysql; common service"},
	{5000, "tcp", "http-alt", "IANA commplex-main, in practice UPnP and appliance web UIs"},
	{5432, "tcp", "postgresql", "IANA postgresql; common service"},
	{5900, "tcp", "rfb", "RFC 6143 (VNC); embedded consoles"},
	{5985, "tcp", "wsman", "IANA wsman; Windows remote management"},
	{7443, "tcp", "https-alt", "IANA oracleas-https, in practice an alternate HTTPS UI of NVRs and controllers"},
	{8008, "tcp", "http-alt", "IANA http-alt; alternate web UI"},
	{8088, "tcp", "http-alt", "IANA radan-http, in practice an alternate web UI port"},
	{8883, "tcp", "secure-mqtt", "IANA secure-mqtt; certificate of IoT brokers and devices"},
	{9000, "tcp", "http-alt", "IANA cslistener, in practice an alternate web UI port"},
	{9090, "tcp", "http-alt", "IANA websm, in practice web management consoles"},
	{9443, "tcp", "https-alt", "IANA tungsten-https, in practice an alternate HTTPS UI"},
	{10000, "tcp", "http-alt", "IANA ndmp, in practice appliance web UIs"},
	{10443, "tcp", "https-alt", "RFC 9110 HTTPS on a de facto alternate port of appliances"},
	{10554, "tcp", "rtsp-alt", "RFC 7826 RTSP on the de facto alternate port of some cameras"},
	{49153, "tcp", "upnp", "RFC 6335 §6 dynamic port; UPnP description when 49152 is taken"},
	{49154, "tcp", "upnp", "RFC 6335 §6 dynamic port; UPnP description when 49152-49153 are taken"},

	{123, "udp", "ntp", "RFC 5905; NTP servers on routers"},
	{137, "udp", "netbios-ns", "RFC 1002; NetBIOS names of Windows hosts and NAS"},
	{500, "udp", "isakmp", "RFC 7296 IKE; VPN gateways"},
	{623, "udp", "asf-rmcp", "IANA asf-rmcp (IPMI); server BMCs such as §7 Huawei-BMC"},
	{1701, "udp", "l2tp", "RFC 2661; CPE and VPN routers"},
	{5351, "udp", "nat-pmp", "RFC 6886; CPE routers"},
	{5683, "udp", "coap", "RFC 7252; constrained IoT devices"},
	{37778, "udp", "dahua", "§7 Dahua UDP companion of 37777"},
}

// profiles maps each name to its ports.
var profiles = map[string][]PortInfo{
	"quick":   pick(defaultPorts, quickPorts),
	"default": defaultPorts,
	"full":    append(slices.Clip(defaultPorts), fullExtra...),
}

func pick(from []PortInfo, keys []string) []PortInfo {
	var out []PortInfo
	for _, p := range from {
		if slices.Contains(keys, fmt.Sprintf("%s/%d", p.Transport, p.Port)) {
			out = append(out, p)
		}
	}
	return out
}

// ProfileNames lists the profiles from smallest to largest.
func ProfileNames() []string { return []string{"quick", "default", "full"} }

// Profile returns the ports of a named profile.
func Profile(name string) (Ports, error) {
	info, err := ProfileInfo(name)
	if err != nil {
		return Ports{}, err
	}
	var tcp, udp portSet
	for _, p := range info {
		if p.Transport == "udp" {
			udp.addRange(int(p.Port), int(p.Port))
		} else {
			tcp.addRange(int(p.Port), int(p.Port))
		}
	}
	return Ports{TCP: tcp.list(), UDP: udp.list()}, nil
}

// ProfileInfo returns a profile's ports with the reason for each, in the
// order they are documented.
func ProfileInfo(name string) ([]PortInfo, error) {
	info, ok := profiles[name]
	if !ok {
		return nil, fmt.Errorf("unknown port profile %q (known: %s)", name, strings.Join(ProfileNames(), ", "))
	}
	return slices.Clone(info), nil
}
