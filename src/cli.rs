//! Command-line definition: setkey's own short flags (combinable, `-DP`, `-nv`, `-xx`) plus long options.

use clap::{ArgAction, Parser};
use std::path::PathBuf;

use setkey::pfkey::Dialect;

/// Manipulate the IPsec SA/SP database through PF_KEY v2.
#[derive(Debug, Parser)]
#[command(
    name = "setkey",
    version,
    disable_help_flag = true,
    about = "Manipulate the IPsec SA/SP database through PF_KEY v2",
    override_usage = "setkey [-nv] [--target OS] -c\n       \
                      setkey [-nv] [--target OS] -f FILE\n       \
                      setkey [-Palpv] -D\n       \
                      setkey [-Pv] -F\n       \
                      setkey [-h] -x\n       \
                      setkey [-v] FILE..."
)]
pub struct Cli {
    /// Read statements from standard input.
    #[arg(short = 'c')]
    pub stdin: bool,

    /// Read statements from FILE ("-" is standard input).
    #[arg(short = 'f', value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Dump the SAD (with -P: the SPD).
    #[arg(short = 'D')]
    pub dump: bool,

    /// Flush the SAD (with -P: the SPD).
    #[arg(short = 'F')]
    pub flush: bool,

    /// With -D or -F: act on the SPD instead of the SAD.
    #[arg(short = 'P')]
    pub policy: bool,

    /// With -D: also show dead SAs.
    #[arg(short = 'a')]
    pub all: bool,

    /// With -D: loop, printing a short listing every second.
    #[arg(short = 'l')]
    pub loop_dump: bool,

    /// With -D: show ports in the SAD and in policy endpoints.
    #[arg(short = 'p')]
    pub ports: bool,

    /// With -DP (FreeBSD): only global-scope policies.
    #[arg(short = 'g')]
    pub global_scope: bool,

    /// With -DP (FreeBSD): only ifnet-scope policies.
    #[arg(short = 't')]
    pub ifnet_scope: bool,

    /// Monitor PF_KEY traffic; twice (-xx) prints raw timestamps.
    #[arg(short = 'x', action = ArgAction::Count)]
    pub monitor: u8,

    /// Hex dump of each message (with -x, -v or -n -v).
    #[arg(short = 'h')]
    pub hex: bool,

    /// Same as -h (NetBSD spelling).
    #[arg(short = 'H')]
    pub hex_netbsd: bool,

    /// Verbose: print every message sent and received, decoded.
    #[arg(short = 'v')]
    pub verbose: bool,

    /// No action: parse and compile only, send nothing.
    #[arg(short = 'n')]
    pub dry_run: bool,

    /// Linux: install an extra fwd copy of every inbound policy (the default).
    #[arg(short = 'r', overrides_with = "kernel_mode")]
    pub rfc_mode: bool,

    /// Linux: install inbound policies only as given (no fwd copy).
    #[arg(short = 'k')]
    pub kernel_mode: bool,

    /// Not an option of any target's setkey: a usage error, as there.
    #[arg(short = 'd')]
    pub not_an_option_d: bool,

    /// PF_KEY dialect to speak: netbsd, freebsd or linux (default: the host OS).
    #[arg(long, value_name = "OS", value_parser = parse_dialect)]
    pub target: Option<Dialect>,

    /// Exit 0 even when the kernel rejected a statement, as the C setkey does.
    #[arg(long)]
    pub compat_exit: bool,

    /// With -f or -c: when the kernel rejects a statement, undo every change of the run.
    #[arg(long)]
    pub atomic: bool,

    /// With -f or -c: print how the kernel's SAD and SPD differ from the state the script
    /// describes, as `-`/`+` statement lines (exit 0 in sync, 2 when different, 1 on error).
    #[arg(long, conflicts_with_all = ["sync", "atomic", "dry_run"])]
    pub diff: bool,

    /// With -f or -c: apply that difference (delete extra, add missing, replace changed),
    /// undoing it all if the kernel rejects any of it.
    #[arg(long, conflicts_with_all = ["atomic", "dry_run"])]
    pub sync: bool,

    /// With -x: print one JSON object per message; with -D or -DP: the dump as one JSON
    /// document (the same as --format json).
    #[arg(long)]
    pub json: bool,

    /// With -D or -DP: kame (the C setkey's text, the default), json, or setkey (statements
    /// that re-create the dumped state).
    #[arg(long, value_name = "FORMAT", value_parser = parse_dump_format)]
    pub format: Option<DumpFormat>,

    /// Read the SAD and the SPD and report what is inconsistent, each with the statements
    /// that fix it (exit 0 healthy, 2 with findings, 1 on error).
    #[arg(long)]
    pub doctor: bool,

    /// With -D: print keys on one line (the C setkey wraps them every 32 bytes).
    #[arg(long)]
    pub wide: bool,

    /// With -x: show only these message types (e.g. acquire,expire,delete).
    #[arg(long, value_name = "TYPES", value_delimiter = ',')]
    pub filter: Vec<String>,

    /// With -x: a one-line account of each message before it (`# ADD esp spi ...`), marking
    /// the copies a BSD kernel wraps for promiscuous sockets.
    #[arg(long)]
    pub annotate: bool,

    /// With -x: print a table of message counts on exit.
    #[arg(long)]
    pub summary: bool,

    /// With -x: register for these SA types (esp, ah, ipcomp) so the kernel sends ACQUIREs.
    #[arg(long, value_name = "SATYPES", value_delimiter = ',')]
    pub register: Vec<String>,

    /// With -x: trace each ACQUIRE and SPDEXPIRE to the FILE:LINE of the policy of FILE (a
    /// setkey script) it comes from, by the kernel's policy id or else by selector.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// With -x: read raw messages from FILE instead of the kernel.
    #[arg(long, value_name = "FILE", hide = true)]
    pub replay: Option<PathBuf>,

    /// With -n: also write the compiled messages, raw, to FILE.
    #[arg(long, value_name = "FILE", hide = true)]
    pub emit_raw: Option<PathBuf>,

    /// Send the raw messages of FILE, checking each reply (benchmark baseline).
    #[arg(long, value_name = "FILE", hide = true)]
    pub send_raw: Option<PathBuf>,

    /// Send the raw messages of FILE ahead of their replies, as -f does (benchmark floor).
    #[arg(long, value_name = "FILE", hide = true, conflicts_with = "send_raw")]
    pub send_raw_ahead: Option<PathBuf>,

    /// Also write every message received from the kernel, raw, to FILE.
    #[arg(long, value_name = "FILE", hide = true)]
    pub record: Option<PathBuf>,

    /// The most bytes read from a script or message file (K, M, G: binary multiples).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_input: Option<u64>,

    /// Print at most this many errors of a script, then only count them (0: all).
    #[arg(long, value_name = "N")]
    pub max_errors: Option<usize>,

    /// Print help.
    #[arg(short = '?', long = "help", action = ArgAction::Help)]
    pub help: Option<bool>,

    /// Files of raw PF_KEY messages to print as kernel replies.
    #[arg(value_name = "FILE")]
    pub message_files: Vec<PathBuf>,
}

/// `1048576`, `512K`, `64M`, `1G`.
fn parse_size(s: &str) -> Result<u64, String> {
    let (digits, shift) = match s.char_indices().last() {
        Some((at, 'K' | 'k')) => (&s[..at], 10),
        Some((at, 'M' | 'm')) => (&s[..at], 20),
        Some((at, 'G' | 'g')) => (&s[..at], 30),
        _ => (s, 0),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1u64 << shift))
        .ok_or_else(|| format!("'{s}' is not a size (a number of bytes, or with K, M or G)"))
}

/// What `-D` and `-DP` print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DumpFormat {
    Kame,
    Json,
    Setkey,
}

fn parse_dump_format(s: &str) -> Result<DumpFormat, String> {
    match s {
        "kame" | "text" => Ok(DumpFormat::Kame),
        "json" => Ok(DumpFormat::Json),
        "setkey" => Ok(DumpFormat::Setkey),
        _ => Err(format!("'{s}' is not a dump format (kame, json or setkey)")),
    }
}

fn parse_dialect(s: &str) -> Result<Dialect, String> {
    s.parse()
}

impl Cli {
    pub fn hex_dump(&self) -> bool {
        self.hex || self.hex_netbsd
    }

    /// The dump format: `--format`, else JSON with `--json`, else the C setkey's text.
    pub fn dump_format(&self) -> Result<DumpFormat, String> {
        match (self.format, self.json) {
            (Some(f), true) if f != DumpFormat::Json => {
                Err("--json and --format are different formats; give one".into())
            }
            (Some(f), _) => Ok(f),
            (None, true) => Ok(DumpFormat::Json),
            (None, false) => Ok(DumpFormat::Kame),
        }
    }
}
