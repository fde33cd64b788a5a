//! `ctime()`-style timestamps in the local time zone, as setkey prints them in dumps.

/// Characters 4..23 of `ctime(t)`: `Mmm dd hh:mm:ss yyyy` (day space-padded), local time;
/// 0 gives 20 spaces, as setkey prints an unset time.
pub fn ctime20(t: u64) -> String {
    if t == 0 {
        return " ".repeat(20);
    }
    match local_tm(t) {
        Some(tm) => {
            const MONTHS: [&str; 12] = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ];
            let month = MONTHS.get(tm.tm_mon as usize).copied().unwrap_or("???");
            format!(
                "{month} {:>2} {:02}:{:02}:{:02} {}",
                tm.tm_mday,
                tm.tm_hour,
                tm.tm_min,
                tm.tm_sec,
                i64::from(tm.tm_year) + 1900
            )
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
