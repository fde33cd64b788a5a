//! `-D` / `-DP`: dump the SAD or the SPD in the C setkey's format, as JSON, or as the
//! statements that re-create it.

use std::io::Write;

use setkey::format::json_dump;
use setkey::format::kame::{self, DumpContext};

pub use crate::cli::DumpFormat;
use setkey::pfkey::consts::*;
use setkey::pfkey::{Dialect, Extension, Message};

use super::session::Session;
use super::{interfaces, kernel_error_text, protocols, unix_now};

pub struct DumpOptions {
    pub dialect: Dialect,
    pub policy: bool,
    /// `-a`: include dead SAs.
    pub all: bool,
    pub with_ports: bool,
    /// FreeBSD `-g` / `-t`: the scope mask of SPDDUMP.
    pub scope_mask: u8,
    pub verbose: bool,
    pub hex: bool,
    /// `-l`: the short listing, every second, until interrupted.
    pub repeat: bool,
    /// `--record FILE`: also write the kernel's replies, raw, to FILE.
    pub record: Option<std::path::PathBuf>,
    pub format: DumpFormat,
    /// `--wide`: keys on one line.
    pub wide: bool,
}

pub fn run(opts: &DumpOptions) -> i32 {
    if opts.repeat && !opts.policy {
        return short_loop(opts);
    }
    dump_once(opts)
}

/// `-D -l`: the short listing of the SAD, refreshed every second.
fn short_loop(opts: &DumpOptions) -> i32 {
    let mut session = match Session::open(opts.dialect, opts.verbose, opts.hex) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("setkey: {e}");
            return 1;
        }
    };
    let request = Message::new(SADB_DUMP, SADB_SATYPE_UNSPEC);
    // setkey.c prints the header once, then each second the SAs, or the kernel's
    // error (`No SAD entries.` when there are none).
    print!("{}", setkey::format::short::HEADER);
    loop {
        let now = unix_now();
        let mut text = String::new();
        let result = session.dump(&request, |entry| {
            if opts.all || !is_dead(entry) {
                text.push_str(&setkey::format::short::entry(entry, now));
            }
        });
        print!("{text}");
        match result {
            Ok(0) => {}
            Ok(errno) => println!("{}.", kernel_error_text(session.dialect, SADB_DUMP, errno)),
            Err(e) => {
                eprintln!("setkey: {e}");
                return 1;
            }
        }
        let _ = std::io::stdout().flush();
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
}

fn dump_once(opts: &DumpOptions) -> i32 {
    let mut session = match Session::open(opts.dialect, opts.verbose, opts.hex) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("setkey: {e}");
            return 1;
        }
    };
    if let Some(path) = &opts.record {
        if let Err(e) = session.record_to(path) {
            eprintln!("setkey: {}: {e}", path.display());
            return 1;
        }
    }
    let request = if opts.policy {
        Message::new(SADB_X_SPDDUMP, opts.scope_mask)
    } else {
        Message::new(SADB_DUMP, SADB_SATYPE_UNSPEC)
    };
    let protocol_name = |n| protocols::lookup_for(opts.dialect, n);
    let interface_name = |i| interfaces::name_for(opts.dialect, i);
    let ctx = DumpContext {
        now: unix_now(),
        with_ports: opts.with_ports,
        protocol_name: &protocol_name,
        interface_name: &interface_name,
        wide_keys: opts.wide,
    };
    // Entries are written in big blocks; with -v each is flushed, to stay next to the
    // message it came from.
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let mut text = String::new();
    let mut kept = Vec::new();
    let mut first = true;
    if opts.format == DumpFormat::Json {
        let _ = out.write_all(json_dump::document_start(opts.dialect, opts.policy).as_bytes());
    }
    let result = session.dump(&request, |entry| {
        if !(opts.policy || opts.all || !is_dead(entry)) {
            return;
        }
        text.clear();
        match opts.format {
            DumpFormat::Setkey => {
                kept.push(entry.clone());
                return;
            }
            DumpFormat::Json => {
                let one = if opts.policy {
                    json_dump::sp_entry(entry, opts.dialect, &ctx)
                } else {
                    json_dump::sa_entry(entry, opts.dialect, &ctx)
                };
                text.push_str(if first { "\n" } else { ",\n" });
                first = false;
                text.push_str(&one);
            }
            DumpFormat::Kame if opts.policy => {
                kame::sp_entry_into(&mut text, entry, opts.dialect, &ctx)
            }
            DumpFormat::Kame => kame::sa_entry_into(&mut text, entry, opts.dialect, &ctx),
        }
        let _ = out.write_all(text.as_bytes());
        if opts.verbose {
            let _ = out.flush();
        }
    });
    match opts.format {
        DumpFormat::Json => {
            let close = if first { "" } else { "\n" };
            let _ = writeln!(out, "{close}{}", json_dump::DOCUMENT_END);
        }
        DumpFormat::Setkey => {
            let script = setkey::decompile::script(&kept, opts.dialect, opts.policy);
            let _ = out.write_all(script.as_bytes());
        }
        DumpFormat::Kame => {}
    }
    let _ = out.flush();
    drop(out);
    let empty = if opts.policy {
        "No SPD entries."
    } else {
        "No SAD entries."
    };
    match result {
        Ok(0) => 0,
        Ok(errno) if i32::from(errno) == libc::ENOENT => {
            match opts.format {
                DumpFormat::Kame => println!("{empty}"),
                DumpFormat::Setkey => println!("# {empty}"),
                DumpFormat::Json => {}
            }
            0
        }
        Ok(errno) => {
            let text = kernel_error_text(session.dialect, request.header.msg_type, errno);
            if opts.format == DumpFormat::Kame {
                println!("{text}.");
            } else {
                eprintln!("setkey: {text}");
            }
            1
        }
        Err(e) => {
            eprintln!("setkey: {e}");
            1
        }
    }
}

fn is_dead(entry: &Message) -> bool {
    entry
        .extensions
        .iter()
        .any(|e| matches!(e, Extension::Sa(sa) if sa.state == SADB_SASTATE_DEAD))
}
