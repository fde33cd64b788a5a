//! `getprotobynumber()`: protocol names from /etc/protocols, as the C setkey prints them.

use std::collections::HashMap;
use std::sync::OnceLock;

use setkey::format::profile;
use setkey::pfkey::Dialect;

fn table() -> &'static HashMap<u8, String> {
    static TABLE: OnceLock<HashMap<u8, String>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let text = std::fs::read_to_string("/etc/protocols").unwrap_or_default();
        parse(&text)
    })
}

/// First name given to each number (the file's first line for a number wins).
pub fn parse(text: &str) -> HashMap<u8, String> {
    let mut map = HashMap::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut fields = line.split_whitespace();
        let (Some(name), Some(number)) = (fields.next(), fields.next()) else {
            continue;
        };
        if let Ok(n) = number.parse::<u8>() {
            map.entry(n).or_insert_with(|| name.to_string());
        }
    }
    map
}

pub fn lookup(number: u8) -> Option<String> {
    table().get(&number).cloned()
}

/// The name `dialect`'s setkey would get from `getprotobynumber()`: this host's
/// /etc/protocols when the host runs that OS, else the file that OS ships where the
/// profile has it (a Linux host's file has no name for 255, NetBSD's has `reserved`).
pub fn lookup_for(dialect: Dialect, number: u8) -> Option<String> {
    match profile::of(dialect).stock_protocols {
        Some(stock) if Dialect::host() != Some(dialect) => stock
            .iter()
            .find(|(n, _)| *n == number)
            .map(|(_, name)| name.to_string()),
        _ => lookup(number),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn first_name_wins_and_comments_are_ignored() {
        let map = super::parse("ip 0 IP # internet\nhopopt 0 HOPOPT\n# x 9\ntcp\t6\tTCP\nbad x\n");
        assert_eq!(map.get(&0).map(String::as_str), Some("ip"));
        assert_eq!(map.get(&6).map(String::as_str), Some("tcp"));
        assert_eq!(map.len(), 2);
    }

    #[test]
    fn another_systems_dump_takes_the_names_that_system_ships() {
        use setkey::pfkey::Dialect;
        if Dialect::host() != Some(Dialect::NetBsd) {
            assert_eq!(
                super::lookup_for(Dialect::NetBsd, 255).as_deref(),
                Some("reserved")
            );
            assert_eq!(
                super::lookup_for(Dialect::NetBsd, 58).as_deref(),
                Some("ipv6-icmp")
            );
            assert_eq!(
                super::lookup_for(Dialect::NetBsd, 0).as_deref(),
                Some("hopopt")
            );
            assert_eq!(super::lookup_for(Dialect::NetBsd, 200), None);
        }
    }
}
