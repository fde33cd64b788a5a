//! Built-in table of IANA IP protocol names for SPD upper-layer specs (no /etc/protocols).

/// Protocol names and aliases with their IANA numbers, as the usual /etc/protocols has them,
/// plus setkey's own `icmp6` and `ip4`.
const PROTOCOLS: &[(&str, u8)] = &[
    ("ip", 0),
    ("hopopt", 0),
    ("icmp", 1),
    ("igmp", 2),
    ("ggp", 3),
    ("ip4", 4),
    ("ipv4", 4),
    ("ipencap", 4),
    ("st", 5),
    ("tcp", 6),
    ("egp", 8),
    ("igp", 9),
    ("pup", 12),
    ("udp", 17),
    ("hmp", 20),
    ("xns-idp", 22),
    ("rdp", 27),
    ("iso-tp4", 29),
    ("dccp", 33),
    ("xtp", 36),
    ("ddp", 37),
    ("idpr-cmtp", 38),
    ("ipv6", 41),
    ("ipv6-route", 43),
    ("ipv6-frag", 44),
    ("idrp", 45),
    ("rsvp", 46),
    ("gre", 47),
    ("esp", 50),
    ("ah", 51),
    ("skip", 57),
    ("icmp6", 58),
    ("icmpv6", 58),
    ("ipv6-icmp", 58),
    ("ipv6-nonxt", 59),
    ("ipv6-opts", 60),
    ("rspf", 73),
    ("vmtp", 81),
    ("eigrp", 88),
    ("ospf", 89),
    ("ospfigp", 89),
    ("ax.25", 93),
    ("ipip", 94),
    ("etherip", 97),
    ("encap", 98),
    ("pim", 103),
    ("ipcomp", 108),
    ("vrrp", 112),
    ("carp", 112),
    ("l2tp", 115),
    ("isis", 124),
    ("sctp", 132),
    ("fc", 133),
    ("mh", 135),
    ("ipv6-mh", 135),
    ("mobility-header", 135),
    ("udplite", 136),
    ("mpls-in-ip", 137),
    ("manet", 138),
    ("hip", 139),
    ("shim6", 140),
    ("wesp", 141),
    ("rohc", 142),
    ("ethernet", 143),
    ("pfsync", 240),
];

pub const ICMP: u8 = 1;
pub const GRE: u8 = 47;
pub const ICMPV6: u8 = 58;
pub const MOBILITY_HEADER: u8 = 135;

/// The IP protocol number of a name (ASCII case-insensitive, like /etc/protocols aliases).
pub fn by_name(name: &str) -> Option<u8> {
    // Length and first letter first: most entries are passed over with two cheap tests.
    let first = name.as_bytes().first()?.to_ascii_lowercase();
    PROTOCOLS
        .iter()
        .find(|(n, _)| {
            n.len() == name.len()
                && n.as_bytes().first() == Some(&first)
                && n.eq_ignore_ascii_case(name)
        })
        .map(|&(_, number)| number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_and_alias_is_found_in_any_case() {
        for &(name, number) in PROTOCOLS {
            let entries = PROTOCOLS.iter().filter(|(n, _)| *n == name).count();
            assert_eq!(entries, 1, "{name} is listed once");
            assert_eq!(by_name(name), Some(number), "{name}");
            assert_eq!(by_name(&name.to_ascii_uppercase()), Some(number), "{name}");
        }
        assert_eq!(by_name("Tcp"), Some(6));
        assert_eq!(by_name("IcMp6"), Some(58));
        for unknown in [
            "", "t", "tc", "tcpp", "xcp", "any", "6", "tcp\0", "\u{e9}sp",
        ] {
            assert_eq!(by_name(unknown), None, "{unknown:?}");
        }
    }
}
