//! This host's interfaces: `if_indextoname()` for the name setkey prints after the `%` of a
//! scoped link-local address, `if_nametoindex()` for the zone of `fe80::1%em0` in a script.

use setkey::pfkey::Dialect;

/// The name of interface `index` on this host, when `dialect` is this host's own (the
/// C setkey of that system asks its own kernel); otherwise `None`, and the index prints
/// as a number.
pub fn name_for(dialect: Dialect, index: u32) -> Option<String> {
    if Dialect::host() != Some(dialect) {
        return None;
    }
    let mut buf = [0 as libc::c_char; libc::IF_NAMESIZE];
    // SAFETY: if_indextoname writes at most IF_NAMESIZE bytes, the NUL included, into
    // `buf`, and returns NULL when it writes nothing.
    let name = unsafe { libc::if_indextoname(index, buf.as_mut_ptr()) };
    if name.is_null() {
        return None;
    }
    // SAFETY: on success `buf` holds a NUL-terminated name.
    let text = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) };
    Some(text.to_string_lossy().into_owned())
}

/// if_nametoindex(3): the index of interface `name` on this host.
pub fn index_of(name: &str) -> Option<u32> {
    let name = std::ffi::CString::new(name).ok()?;
    // SAFETY: a NUL-terminated name; if_nametoindex only reads it.
    let index = unsafe { libc::if_nametoindex(name.as_ptr()) };
    (index != 0).then_some(index)
}

#[cfg(test)]
mod tests {
    use setkey::pfkey::Dialect;

    #[test]
    fn only_the_hosts_own_dialect_asks_the_host() {
        for dialect in Dialect::ALL {
            if Dialect::host() != Some(dialect) {
                assert_eq!(super::name_for(dialect, 1), None);
            }
        }
        if let Some(host) = Dialect::host() {
            assert_eq!(super::name_for(host, 0), None);
        }
    }
}
