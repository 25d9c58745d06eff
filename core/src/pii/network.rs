//! IP addresses: dotted-quad IPv4 and IPv6 in any of its textual forms, as the standard
//! library parses them (RFC 4291 section 2.2), with an optional port or zone left out.

use std::net::{Ipv4Addr, Ipv6Addr};

/// Whether `value` (trimmed) is one IPv4 or IPv6 address.
pub fn is_ip(value: &str) -> bool {
    let v = value.trim();
    // IPv4 needs exactly four dotted numbers: "1.5" or a version "2.0.1" is not an address.
    if v.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return v.parse::<Ipv4Addr>().is_ok();
    }
    // "[2001:db8::1]:443" and "fe80::1%eth0".
    let v = v
        .strip_prefix('[')
        .map_or(v, |r| r.split(']').next().unwrap_or(r));
    let v = v.split('%').next().unwrap_or(v);
    // Times of day (10:30:00) have colons too, but never parse as IPv6.
    v.contains(':') && v.parse::<Ipv6Addr>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        for v in [
            "192.168.1.20",
            "8.8.8.8",
            "2001:db8::1",
            "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
            "::1",
            "[2001:db8::1]:443",
            "fe80::1%eth0",
        ] {
            assert!(is_ip(v), "{v}");
        }
        for v in [
            "256.1.1.1",
            "1.2.3",
            "10:30:00",
            "12.50",
            "2024-01-01",
            "C001",
            "1.2.3.4.5",
        ] {
            assert!(!is_ip(v), "{v}");
        }
    }
}
