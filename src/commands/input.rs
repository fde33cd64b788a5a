//! Reading a script from a file or standard input, with a clear error for bad encodings.

use std::io::Read;
use std::path::Path;

/// A script's text and the name used for it in diagnostics.
pub struct Script {
    pub name: String,
    pub text: String,
}

/// Reads `path` ("-" = standard input) or standard input when `path` is None.
pub fn read_script(path: Option<&Path>) -> Result<Script, String> {
    let (name, bytes) = match path {
        Some(p) if p.as_os_str() != "-" => {
            let name = p.display().to_string();
            let bytes = std::fs::read(p).map_err(|e| format!("{name}: {e}"))?;
            (name, bytes)
        }
        _ => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| format!("(stdin): {e}"))?;
            ("(stdin)".to_string(), bytes)
        }
    };
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
