//! Memory hints to the OS for the big buffers a script is read into.

/// Below this, a buffer spans too few huge pages to be worth the hint.
const HUGE_HINT_MIN: usize = 4 << 20;

/// Asks the OS to back the capacity of `buffer` with huge pages where it offers that on
/// request (Linux: `madvise(MADV_HUGEPAGE)`, honoured when transparent huge pages are set to
/// `madvise` or `always`). Reading a big file into fresh memory then takes a page fault per
/// 2 MiB instead of one per 4 KiB. Only a hint: the contents and the allocation are unchanged,
/// and on an OS without such a request it does nothing.
pub fn prefer_huge_pages(buffer: &mut Vec<u8>) {
    if buffer.capacity() < HUGE_HINT_MIN {
        return;
    }
    let start = buffer.as_mut_ptr() as usize;
    advise_huge(start, start + buffer.capacity());
}

#[cfg(target_os = "linux")]
fn advise_huge(start: usize, end: usize) {
    const HUGE_PAGE: usize = 2 << 20;
    let first = start.next_multiple_of(HUGE_PAGE);
    let last = end & !(HUGE_PAGE - 1);
    if last <= first {
        return;
    }
    // SAFETY: [first, last) lies inside one live allocation of ours; MADV_HUGEPAGE only
    // changes how the kernel backs those pages, never what they hold. Its result is a hint's:
    // an error (an old kernel, THP off) leaves everything as it was.
    unsafe {
        libc::madvise(
            first as *mut libc::c_void,
            last - first,
            libc::MADV_HUGEPAGE,
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_huge(_start: usize, _end: usize) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hint_leaves_a_buffer_whole_and_usable() {
        for len in [0, 1, HUGE_HINT_MIN - 1, HUGE_HINT_MIN, 9 << 20] {
            let mut buffer = Vec::with_capacity(len);
            buffer.extend_from_slice(b"spdflush;");
            prefer_huge_pages(&mut buffer);
            assert_eq!(buffer, b"spdflush;");
            assert!(buffer.capacity() >= len);
            buffer.resize(len.max(9), 7);
            assert!(buffer[9..].iter().all(|&b| b == 7));
        }
    }
}
