//! `ctime()`-style timestamps in the local time zone, as setkey prints them in dumps.

/// Characters 4..23 of `ctime(t)`: `Mmm dd hh:mm:ss yyyy` (day space-padded), local time;
/// 0 gives 20 spaces, as setkey prints an unset time.
pub fn ctime20(t: u64) -> String {
    if t == 0 {
        return " ".repeat(20);
    }
    // A dump prints the same few times over and over (its `current`, and the creation
    // time of entries added together), so the last two are kept.
    thread_local! {
        static RECENT: std::cell::Cell<[(u64, [u8; 20]); 2]> =
            const { std::cell::Cell::new([(0, [0; 20]); 2]) };
    }
    let recent = RECENT.get();
    if let Some((_, text)) = recent.iter().find(|(known, _)| *known == t) {
        return String::from_utf8_lossy(text).into_owned();
    }
    match local_tm(t) {
        Some(tm) => {
            const MONTHS: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            let month = MONTHS.get(tm.tm_mon as usize).copied().unwrap_or("???");
            let year = i64::from(tm.tm_year) + 1900;
            let fields = [tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec];
            if !(1000..=9999).contains(&year) || fields.iter().any(|f| !(0..=99).contains(f)) {
                return format!(
                    "{month} {:>2} {:02}:{:02}:{:02} {year}",
                    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec
                );
            }
            let digits = |n: i32| super::digits::two_digits(n.unsigned_abs());
            let mut text = [b' '; 20];
            text[..3].copy_from_slice(month.as_bytes());
            text[4..6].copy_from_slice(&digits(tm.tm_mday));
            if tm.tm_mday < 10 {
                text[4] = b' ';
            }
            text[7..9].copy_from_slice(&digits(tm.tm_hour));
            text[9] = b':';
            text[10..12].copy_from_slice(&digits(tm.tm_min));
            text[12] = b':';
            text[13..15].copy_from_slice(&digits(tm.tm_sec));
            let year = year as u32;
            text[16..18].copy_from_slice(&super::digits::two_digits(year / 100));
            text[18..20].copy_from_slice(&super::digits::two_digits(year % 100));
            RECENT.set([recent[1], (t, text)]);
            String::from_utf8_lossy(&text).into_owned()
        }
        None => "?".repeat(20),
    }
}

fn local_tm(t: u64) -> Option<libc::tm> {
    let t = libc::time_t::try_from(t).ok()?;
    // SAFETY: localtime_r only writes into the zeroed `tm` we own; it returns NULL on failure.
    unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&t, &mut tm).is_null() {
            None
        } else {
            Some(tm)
        }
    }
}

/// `HH:MM:SS` of `t` in the local time zone.
pub fn clock(t: u64) -> String {
    match local_tm(t) {
        Some(tm) => format!("{:02}:{:02}:{:02}", tm.tm_hour, tm.tm_min, tm.tm_sec),
        None => "??:??:??".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The C library's own text for `ctime(t) + 4`, 20 characters: ctime's layout is
    /// `%a %b %e %H:%M:%S %Y` (C99 7.23.3.1), and strftime writes the part after `%a `.
    fn c_ctime20(t: u64) -> String {
        let tm = local_tm(t).unwrap();
        let mut buf = [0u8; 64];
        // SAFETY: strftime writes at most 64 bytes (NUL included) into the buffer we own
        // and returns how many it wrote before the NUL.
        let n = unsafe {
            libc::strftime(
                buf.as_mut_ptr().cast(),
                buf.len(),
                c"%b %e %H:%M:%S %Y".as_ptr(),
                &tm,
            )
        };
        String::from_utf8(buf[..n].to_vec()).unwrap()
    }

    #[test]
    fn matches_the_c_library_and_repeats_are_the_same() {
        assert_eq!(ctime20(0), " ".repeat(20));
        for t in [
            1,
            86_399,
            951_782_400,
            1_700_000_000,
            1_700_000_000,
            1_733_100_000,
            0,
        ] {
            let expected = if t == 0 { " ".repeat(20) } else { c_ctime20(t) };
            assert_eq!(ctime20(t), expected, "t = {t}");
        }
        assert_eq!(ctime20(1_700_000_000), c_ctime20(1_700_000_000));
    }
}
