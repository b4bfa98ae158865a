package web

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientAddr is the address of the person asking. X-Forwarded-For is
// believed only when the connection comes from a configured proxy, and
// then read from the right, skipping the proxies: anyone can send the
// header, only the last proxy's own entry can be trusted.
func (s *Server) clientAddr(r *http.Request) string {
	peer := remoteIP(r.RemoteAddr)
	if !s.trusted(peer) {
		return addrString(peer, r.RemoteAddr)
	}
	hops := r.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		parts := strings.Split(hops[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			ip, err := netip.ParseAddr(strings.TrimSpace(parts[j]))
			if err != nil {
				return addrString(peer, r.RemoteAddr) // a garbled header: fall back to the proxy
			}
			ip = ip.Unmap()
			if !s.trusted(ip) {
				return ip.String()
			}
			peer = ip
		}
	}
	return addrString(peer, r.RemoteAddr)
}

// throttleAddr is the address failed logins are counted under: an IPv6
// client is counted by its /64, since one host commonly holds a whole
// /64 and could otherwise take a new address for every guess.
func throttleAddr(addr string) string {
	ip, err := netip.ParseAddr(addr)
	if err != nil || ip.Is4() {
		return addr
	}
	p, _ := ip.Prefix(64)
	return p.String()
}

// secure reports whether the browser reached us over TLS: directly, or
// through a configured proxy that says so with X-Forwarded-Proto, or
// because the deployment declares it (SecureCookies).
func (s *Server) secure(r *http.Request) bool {
	if r.TLS != nil || s.cfg.SecureCookies {
		return true
	}
	if !s.trusted(remoteIP(r.RemoteAddr)) {
		return false
	}
	proto := r.Header.Get("X-Forwarded-Proto")
	if i := strings.LastIndexByte(proto, ','); i >= 0 {
		proto = proto[i+1:]
	}
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}

func (s *Server) trusted(ip netip.Addr) bool {
	if !ip.IsValid() {
		return false
	}
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

func remoteIP(remote string) netip.Addr {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return ip.Unmap()
}

func addrString(ip netip.Addr, remote string) string {
	if ip.IsValid() {
		return ip.String()
	}
	return remote
}

// ParseProxies reads a comma-separated list of addresses and networks
// (10.0.0.1, 10.0.0.0/8, ::1) for Config.TrustedProxies.
func ParseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, err
			}
			out = append(out, p.Masked())
			continue
		}
		ip, err := netip.ParseAddr(f)
		if err != nil {
			return nil, err
		}
		ip = ip.Unmap()
		out = append(out, netip.PrefixFrom(ip, ip.BitLen()))
	}
	return out, nil
}
