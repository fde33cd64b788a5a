//! The line each OS's setkey prints when the kernel rejects a statement of a script.

/// How a system's setkey reports a kernel rejection of a statement read with `-f`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectionReport {
    /// `The result of line N: MESSAGE.` on standard output (KAME's setkey.c, ipsec-tools
    /// 0.8 as released).
    ResultOfLine,
    /// `setkey: FILE,N: MESSAGE` on standard error, through warnx(3) (NetBSD's setkey.c
    /// 1.22).
    FileComma,
}

/// Where the statements come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptSource {
    /// `-f NAME`, as given on the command line (`-` included).
    File(String),
    /// `-c`.
    Stdin,
}

/// Which stream a line goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// The line for a rejected statement whose `;` is on `line`. With `-c` every setkey prints
/// the message alone, on standard output (postproc's MODE_STDIN case).
pub fn line(
    report: RejectionReport,
    source: &ScriptSource,
    line: usize,
    message: &str,
) -> (Stream, String) {
    match (source, report) {
        (ScriptSource::Stdin, _) => (Stream::Stdout, format!("{message}.")),
        (ScriptSource::File(_), RejectionReport::ResultOfLine) => (
            Stream::Stdout,
            format!("The result of line {line}: {message}."),
        ),
        (ScriptSource::File(name), RejectionReport::FileComma) => {
            (Stream::Stderr, format!("setkey: {name},{line}: {message}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // KAME's sbin/setkey/setkey.c postproc (sobomax/freebsd14_vendor 0f7ff3427c99) and
    // ipsec-tools' setkey.c 1.12.18.1: snprintf "The result of line %d: ", then
    // printf("%s%s.\n"); for MODE_STDIN the prefix is empty.
    #[test]
    fn kame_and_ipsec_tools_print_the_line_number_on_stdout() {
        let file = ScriptSource::File("/etc/ipsec.conf".into());
        assert_eq!(
            line(RejectionReport::ResultOfLine, &file, 7, "File exists"),
            (Stream::Stdout, "The result of line 7: File exists.".into())
        );
        assert_eq!(
            line(
                RejectionReport::ResultOfLine,
                &ScriptSource::Stdin,
                7,
                "No entry"
            ),
            (Stream::Stdout, "No entry.".into())
        );
    }

    // NetBSD's crypto/dist/ipsec-tools/src/setkey/setkey.c 1.22 (christos, 2020-05-12)
    // postproc: `warnx("%s,%d: %s", filename, lineno, errmsg)` in MODE_SCRIPT (no period;
    // warnx adds the program name and the newline), `printf("%s.\n", errmsg)` otherwise;
    // main() keeps the -f argument as the name, "-" included. Read in the copy of
    // wataash/netbsd-src (f5798422), a tree with local edits elsewhere in this file; 1.18
    // (maxv, 2018-05-28, in lparkes/netbsd-ZYBO) still printed "The result of line".
    #[test]
    fn netbsd_warns_with_the_file_and_line_on_stderr() {
        let file = ScriptSource::File("-".into());
        assert_eq!(
            line(RejectionReport::FileComma, &file, 3, "Invalid argument"),
            (Stream::Stderr, "setkey: -,3: Invalid argument".into())
        );
        assert_eq!(
            line(
                RejectionReport::FileComma,
                &ScriptSource::Stdin,
                3,
                "File exists"
            ),
            (Stream::Stdout, "File exists.".into())
        );
    }
}
