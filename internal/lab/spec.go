package lab

// Header is one HTTP response header sent verbatim (name case included:
// some firmware is recognised by its odd capitalisation).
type Header struct {
	Name   string `yaml:"name"`
	Value  string `yaml:"value"`
	Source string `yaml:"source"`
}

// Service is one port of a device. Exactly one protocol field is set; it
// names the protocol (HTTP with TLSSubject set is HTTPS).
type Service struct {
	Port uint16 `yaml:"port"`

	HTTP    *HTTPSpec    `yaml:"http,omitempty"`
	SSH     *Text        `yaml:"ssh,omitempty"`
	Telnet  *TelnetSpec  `yaml:"telnet,omitempty"`
	FTP     *Text        `yaml:"ftp,omitempty"`
	RTSP    *RTSPSpec    `yaml:"rtsp,omitempty"`
	SIP     *SIPSpec     `yaml:"sip,omitempty"`
	SNMP    *SNMPSpec    `yaml:"snmp,omitempty"`
	SSDP    *SSDPSpec    `yaml:"ssdp,omitempty"`
	WSD     *WSDSpec     `yaml:"wsd,omitempty"`
	MDNS    *MDNSSpec    `yaml:"mdns,omitempty"`
	SADP    *Text        `yaml:"sadp,omitempty"`
	DHIP    *Text        `yaml:"dhip,omitempty"`
	Raw     *RawSpec     `yaml:"raw,omitempty"`
	Hostile *HostileSpec `yaml:"hostile,omitempty"`
}

// HTTPSpec is a web server: a Server header, headers sent on every reply,
// and the pages it has. Unknown paths get 404.
type HTTPSpec struct {
	Server  *Text    `yaml:"server,omitempty"`
	Headers []Header `yaml:"headers,omitempty"`
	Pages   []Page   `yaml:"pages"`
	// TLSSubject makes the service HTTPS with a self-signed certificate
	// whose subject (and issuer) is this RFC 4514 name.
	TLSSubject *Text `yaml:"tls_subject,omitempty"`
}

// Page is one resource. With Auth set it answers 401 and the challenge.
// With Accounts and a Basic challenge in Auth, a request whose
// Authorization: Basic names one of the accounts (RFC 7617) gets 200 and
// the Body; any other gets 401 with the challenge and no body.
type Page struct {
	// Path is the request URI, query included, matched exactly.
	Path string `yaml:"path"`
	// Method is GET (default) or POST.
	Method string `yaml:"method,omitempty"`
	// Action, for POST, is a string the request body must contain (the
	// SOAP action or JSON-RPC method); other requests get a fault.
	Action string `yaml:"action,omitempty"`
	// Status defaults to 200, or 401 when Auth is set.
	Status      int    `yaml:"status,omitempty"`
	ContentType string `yaml:"content_type,omitempty"`
	Auth        *Text  `yaml:"auth,omitempty"`
	Body        *Text  `yaml:"body,omitempty"`
	// Key is the observation key the body answers to: http.body (default),
	// upnp.description or onvif.device_information.
	Key string `yaml:"key,omitempty"`
	// Accounts are the logins the page accepts over HTTP Basic; they need
	// a Basic challenge in Auth and a Body.
	Accounts []Account `yaml:"accounts,omitempty"`
}

// TelnetSpec is a Telnet server that shows its banner and login prompt and
// never accepts a login.
type TelnetSpec struct {
	// Negotiate sends IAC WILL ECHO, IAC WILL SUPPRESS-GO-AHEAD first
	// (RFC 854, 857, 858), as most embedded telnetd do.
	Negotiate bool `yaml:"negotiate,omitempty"`
	Banner    Text `yaml:"banner"`
}

// RTSPSpec answers OPTIONS with 200 and DESCRIBE with 401 and the challenge
// (Auth), or with 200 and an SDP body. With Accounts and a Digest challenge,
// a DESCRIBE whose Digest Authorization answers the challenge for one of
// the accounts gets 200 and the SDP; any other gets 401 again.
type RTSPSpec struct {
	Server   *Text     `yaml:"server,omitempty"`
	Auth     *Text     `yaml:"auth,omitempty"`
	SDP      *Text     `yaml:"sdp,omitempty"`
	Accounts []Account `yaml:"accounts,omitempty"`
}

// Account is an account a lab RTSP server or HTTP page accepts, with the
// public fact it stands for (a vendor default, or a note that it is the
// owner's own password).
type Account struct {
	User     string `yaml:"user"`
	Password string `yaml:"password"`
	Source   string `yaml:"source"`
}

// SIPSpec answers SIP OPTIONS over UDP with 200 OK carrying one of the
// identifying headers.
type SIPSpec struct {
	Server    *Text `yaml:"server,omitempty"`
	UserAgent *Text `yaml:"user_agent,omitempty"`
}

// SNMPSpec is an SNMP agent: v1/v2c GETs of sysDescr.0 and sysObjectID.0
// are answered only under Community; any v3 request gets the engine-ID
// discovery REPORT (RFC 3414 §4) when EngineID is set.
type SNMPSpec struct {
	Community   string `yaml:"community,omitempty"`
	SysDescr    *Text  `yaml:"sysdescr,omitempty"`
	SysObjectID *Text  `yaml:"sysobjectid,omitempty"`
	// EngineID is hex ("800007db03..."); the device's MAC replaces {mac12}.
	EngineID *Text `yaml:"engine_id,omitempty"`
}

// SSDPSpec answers unicast M-SEARCH; LOCATION points at a page of the
// device whose Key is upnp.description.
type SSDPSpec struct {
	Server Text `yaml:"server"`
	// LocationPort is an HTTP service of the device; the lab serves the
	// description there at LocationPath.
	LocationPort uint16   `yaml:"location_port"`
	LocationPath string   `yaml:"location_path"`
	Description  UPnPInfo `yaml:"description"`
}

// UPnPInfo is the device element of a UPnP description (UPnP Device
// Architecture 1.1 §2.3); the lab writes the XML around it.
type UPnPInfo struct {
	DeviceType      string `yaml:"device_type"`
	FriendlyName    string `yaml:"friendly_name"`
	Manufacturer    string `yaml:"manufacturer"`
	ManufacturerURL string `yaml:"manufacturer_url,omitempty"`
	ModelName       string `yaml:"model_name"`
	ModelNumber     string `yaml:"model_number,omitempty"`
	UUID            string `yaml:"uuid"`
	Source          string `yaml:"source"`
}

// WSDSpec answers a WS-Discovery Probe with a ProbeMatch carrying Scopes;
// XAddrs points at the ONVIF device service on XAddrPort.
type WSDSpec struct {
	Scopes Text `yaml:"scopes"`
	// XAddrPort is an HTTP service of the device; the lab answers ONVIF
	// GetDeviceInformation there (POST /onvif/device_service).
	XAddrPort uint16    `yaml:"xaddr_port"`
	UUID      string    `yaml:"uuid"`
	Device    ONVIFInfo `yaml:"device"`
}

// ONVIFInfo is a GetDeviceInformationResponse (ONVIF Core Specification,
// device management, GetDeviceInformation); the lab writes the SOAP
// envelope around it.
type ONVIFInfo struct {
	Manufacturer    string `yaml:"manufacturer"`
	Model           string `yaml:"model"`
	FirmwareVersion string `yaml:"firmware_version"`
	SerialNumber    string `yaml:"serial_number"`
	HardwareID      string `yaml:"hardware_id"`
	Source          string `yaml:"source"`
}

// MDNSSpec answers unicast mDNS queries (RFC 6762 §5.5, 6.7) for its
// DNS-SD services (RFC 6763).
type MDNSSpec struct {
	Hostname string        `yaml:"hostname"`
	Services []MDNSService `yaml:"services"`
	Source   string        `yaml:"source"`
}

// MDNSService is one DNS-SD service instance.
type MDNSService struct {
	// Type is the service type without domain ("_axis-video._tcp").
	Type     string   `yaml:"type"`
	Instance string   `yaml:"instance"`
	Port     uint16   `yaml:"port"`
	TXT      []string `yaml:"txt,omitempty"`
}

// RawSpec is a vendor port that is only opened: accept, send Hello if
// set, read and count what the client sends, close when idle. Close
// closes right after accepting.
type RawSpec struct {
	Hello  *Text  `yaml:"hello,omitempty"`
	Close  bool   `yaml:"close,omitempty"`
	Source string `yaml:"source"`
}

// Hostile modes.
const (
	HostileFlood         = "flood"
	HostileStall         = "stall"
	HostileDrip          = "drip"
	HostileHTTPLie       = "http-lying-length"
	HostileDHIPLie       = "dhip-lying-length"
	HostileMalformed     = "malformed"
	HostileMalformedUDP  = "malformed-udp"
	HostileOversized     = "oversized"
	HostileCloseMidReply = "close-mid-reply"
	HostileSlowAccept    = "slow-accept"
)

var hostileModes = map[string]string{
	HostileFlood: "tcp", HostileStall: "tcp", HostileDrip: "tcp", HostileHTTPLie: "tcp",
	HostileDHIPLie: "udp", HostileMalformed: "tcp", HostileMalformedUDP: "udp",
	HostileOversized: "tcp", HostileCloseMidReply: "tcp", HostileSlowAccept: "tcp",
}

// HostileSpec is a misbehaving service for robustness tests.
type HostileSpec struct {
	Mode   string `yaml:"mode"`
	Source string `yaml:"source"`
}
