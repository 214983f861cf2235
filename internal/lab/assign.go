package lab

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"sort"
	"sync/atomic"
)

// selectProfiles returns the requested non-hostile profiles in name order,
// and all hostile ones.
func selectProfiles(all []Profile, names []string) (chosen, hostile []*Profile, err error) {
	byName := map[string]*Profile{}
	for i := range all {
		p := &all[i]
		byName[p.Name] = p
		if p.Truth.Status == StatusHostile {
			hostile = append(hostile, p)
		} else if len(names) == 0 {
			chosen = append(chosen, p)
		}
	}
	for _, n := range names {
		p, ok := byName[n]
		if !ok {
			return nil, nil, fmt.Errorf("lab: unknown profile %q", n)
		}
		chosen = append(chosen, p)
	}
	sort.SliceStable(chosen, func(i, j int) bool { return chosen[i].Name < chosen[j].Name })
	return chosen, hostile, nil
}

// assign picks the profile of each of n devices: round-robin, or a
// weighted draw that the seed makes reproducible.
func assign(ps []*Profile, n int, weighted bool, seed uint64) []*Profile {
	out := make([]*Profile, n)
	if !weighted {
		for i := range out {
			out[i] = ps[i%len(ps)]
		}
		return out
	}
	total := 0
	for _, p := range ps {
		total += max(p.Weight, 1)
	}
	r := rand.New(rand.NewPCG(seed, 0x6c6162))
	for i := range out {
		k := r.IntN(total)
		for _, p := range ps {
			if k -= max(p.Weight, 1); k < 0 {
				out[i] = p
				break
			}
		}
	}
	return out
}

// nextHost is the next IPv4 address whose last octet is neither 0 nor 255.
func nextHost(a netip.Addr) netip.Addr {
	for {
		a = a.Next()
		if !a.IsValid() || !a.Is4() {
			return netip.Addr{}
		}
		if last := a.As4()[3]; last != 0 && last != 255 {
			return a
		}
	}
}

func newDevice(p *Profile, addr netip.Addr, index int) *device {
	d := &device{profile: p, received: map[uint16]*atomic.Int64{}}
	d.hw = [6]byte{0x02, 0x1a, 0xb0, byte(index >> 16), byte(index >> 8), byte(index)} // locally administered
	if p.OUI != nil {
		if hw, err := net.ParseMAC(p.OUI.Value + ":00:00:00"); err == nil {
			copy(d.hw[:3], hw[:3])
		}
	}
	d.Device = Device{Addr: addr, MAC: net.HardwareAddr(d.hw[:]).String(), Profile: p.Name,
		Vendor: p.Vendor, Model: p.Model, Kind: p.Kind, Truth: p.Truth}
	for i := range p.Services {
		s := &p.Services[i]
		d.Ports = append(d.Ports, Port{s.Port, s.Transport(), s.Proto()})
		if s.Raw != nil {
			d.received[s.Port] = new(atomic.Int64)
		}
	}
	return d
}
