// Package oui maps MAC addresses to the organisation the IEEE assigned their
// block to. It is one of the lookup tables used by identify: a MAC address
// seen in ARP, DHCP, LLDP or an imported inventory becomes vendor evidence
// only through this package.
//
// The built-in table is generated from a named public package (see
// builtin_gen.go for its source and date) and can be refreshed at run time
// from the IEEE's own CSV files with ParseIEEECSV and Merge.
//
// A block names the maker of the network interface, not of the device: a
// Huawei module in a third-party router matches Huawei, and an OEM camera may
// carry its brand owner's block. Locally administered (including randomized)
// and multicast addresses carry no vendor information at all, and Lookup
// refuses them.
package oui

//go:generate go run ./internal/gen -pkg oui-data@2.1.9 -out .

// Kind says which of the IEEE 802 address classes a MAC address belongs to.
// Only Universal addresses carry an IEEE-assigned prefix.
type Kind int

const (
	// Invalid is the all-zero address, which drivers and exporters use for
	// "unknown"; it is also the zero Kind.
	Invalid Kind = iota
	// Universal is a unicast address whose first 24 to 36 bits are an IEEE
	// assignment: the only kind that is vendor evidence.
	Universal
	// Local is a unicast address with the locally administered bit set
	// (second hex digit 2, 6, A or E): virtual machines, containers and
	// phones' randomized Wi-Fi addresses. Its prefix means nothing.
	Local
	// Multicast is a group address (least significant bit of the first octet
	// set), including broadcast FF:FF:FF:FF:FF:FF; it names a protocol, not a
	// device.
	Multicast
)

// String returns the kind's name as reports print it.
func (k Kind) String() string {
	switch k {
	case Universal:
		return "universal"
	case Local:
		return "local"
	case Multicast:
		return "multicast"
	default:
		return "invalid"
	}
}

// KindOf classifies hw by its I/G and U/L bits, so that callers can say why
// an address produced no vendor.
func KindOf(hw [6]byte) Kind {
	switch {
	case hw == [6]byte{}:
		return Invalid
	case hw[0]&0x01 != 0:
		return Multicast
	case hw[0]&0x02 != 0:
		return Local
	default:
		return Universal
	}
}

// Entry is one IEEE assignment: a block of addresses and its registrant.
type Entry struct {
	// Prefix is the block in colon notation: "00:1E:10" for 24-bit blocks;
	// longer blocks pad the last octet with zero bits and add the length,
	// "78:72:64:50/28", "70:B3:D5:0A:E0/36".
	Prefix string
	// Bits is the prefix length: 24 (MA-L), 28 (MA-M) or 36 (MA-S, IAB).
	Bits int
	// Registry is the IEEE registry: "MA-L", "MA-M", "MA-S", or "IAB" for
	// the retired Individual Address Blocks when loaded from iab.csv.
	Registry string
	// Org is the registrant's name as registered (first line only), e.g.
	// "HUAWEI TECHNOLOGIES CO.,LTD"; "Private" when the registrant asked for
	// its name to be withheld.
	Org string
}

// Info describes where a table came from, for reports and `covered lists`.
type Info struct {
	// Name says what the table is: "IEEE MAC address blocks".
	Name string
	// Source names the package or files the table was built from, e.g.
	// "npm oui-data@2.1.9 (IEEE MA-L/MA-M/MA-S registries)".
	Source string
	// Date is the data's date as YYYY-MM-DD, empty when unknown (the IEEE's
	// CSV files carry none; see Table.WithSource).
	Date string
	// Entries is the number of blocks in the table.
	Entries int
}

// tableName is Info.Name of every table this package builds.
const tableName = "IEEE MAC address blocks"
