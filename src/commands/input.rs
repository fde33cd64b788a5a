//! Reading a script or a message file from a file or standard input: bounded in size, with a
//! clear error for bad encodings.

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// The most any input is read: far above any real configuration (the 100,000-statement
/// benchmark file is 14 MB), and `setkey -f /dev/zero` stops there instead of filling memory.
pub const DEFAULT_MAX_INPUT: u64 = 256 * 1024 * 1024;

static MAX_INPUT: AtomicU64 = AtomicU64::new(DEFAULT_MAX_INPUT);

/// `--max-input`: the limit for every input read from now on.
pub fn set_max_input(bytes: u64) {
    MAX_INPUT.store(bytes, Ordering::Relaxed);
}

/// A script's text and the name used for it in diagnostics.
pub struct Script {
    pub name: String,
    pub text: String,
}

/// All of `path` ("-" or None: standard input) with the name diagnostics give it, or an error
/// naming the file once it holds more than the input limit.
pub fn read_input(path: Option<&Path>) -> Result<(String, Vec<u8>), String> {
    let limit = MAX_INPUT.load(Ordering::Relaxed);
    let (name, reader, size): (String, Box<dyn Read>, u64) = match path {
        Some(p) if p.as_os_str() != "-" => {
            let name = p.display().to_string();
            let file = std::fs::File::open(p).map_err(|e| format!("{name}: {e}"))?;
            let size = file.metadata().map_or(0, |m| m.len());
            (name, Box::new(file), size)
        }
        _ => ("(stdin)".to_string(), Box::new(std::io::stdin().lock()), 0),
    };
    // A regular file is read into one buffer of its size (and a byte to see its end), not
    // one grown as it is read; a file growing meanwhile still reads to its end.
    let room = usize::try_from(size.min(limit).saturating_add(1)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(room);
    setkey::kernel::prefer_huge_pages(&mut bytes);
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{name}: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "{name}: more than the input limit of {limit} bytes (raise it with --max-input)"
        ));
    }
    Ok((name, bytes))
}

/// Reads `path` ("-" = standard input) or standard input when `path` is None.
pub fn read_script(path: Option<&Path>) -> Result<Script, String> {
    let (name, bytes) = read_input(path)?;
    // Checked with SIMD first (a few times faster on big scripts); std's check then finds
    // where a bad file goes wrong.
    if simdutf8::basic::from_utf8(&bytes).is_ok() {
        // SAFETY: the bytes were just found to be valid UTF-8.
        let text = unsafe { String::from_utf8_unchecked(bytes) };
        return Ok(Script { name, text });
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Script { name, text }),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let before = String::from_utf8_lossy(&bytes[..valid]);
            let (line, col) = setkey::lang::diag::line_col(&before, before.len());
            Err(format!(
                "{name}:{line}:{col}: error: the file is not valid UTF-8 text"
            ))
        }
    }
}
