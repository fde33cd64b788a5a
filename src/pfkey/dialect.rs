//! The three PF_KEY dialects and the numbers and layouts that differ between them.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    NetBsd,
    FreeBsd,
    Linux,
}

impl Dialect {
    pub const ALL: [Dialect; 3] = [Dialect::NetBsd, Dialect::FreeBsd, Dialect::Linux];

    /// The dialect of the OS this binary was built for, if it is one of the three.
    pub fn host() -> Option<Dialect> {
        if cfg!(target_os = "netbsd") {
            Some(Dialect::NetBsd)
        } else if cfg!(target_os = "freebsd") {
            Some(Dialect::FreeBsd)
        } else if cfg!(target_os = "linux") {
            Some(Dialect::Linux)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Dialect::NetBsd => "netbsd",
            Dialect::FreeBsd => "freebsd",
            Dialect::Linux => "linux",
        }
    }

    pub fn is_bsd(self) -> bool {
        !matches!(self, Dialect::Linux)
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Dialect {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "netbsd" => Ok(Dialect::NetBsd),
            "freebsd" => Ok(Dialect::FreeBsd),
            "linux" => Ok(Dialect::Linux),
            other => Err(format!(
                "unknown target '{other}' (expected netbsd, freebsd or linux)"
            )),
        }
    }
}
