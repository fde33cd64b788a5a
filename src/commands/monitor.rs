//! `-x`: print every PF_KEY message the kernel sends to key sockets, until SIGINT/SIGTERM.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use setkey::format::monitor_entry::{self, View};
use setkey::kernel::{KernelError, PfKeySocket};
use setkey::pfkey::consts::*;
use setkey::pfkey::{self, Message};

pub struct MonitorOptions {
    pub view: View,
    pub summary: bool,
    /// SA types to register for, so that the kernel sends ACQUIREs.
    pub register: Vec<u8>,
}

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn request_stop(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

fn install_signal_handlers() {
    use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};
    let action = SigAction::new(
        SigHandler::Handler(request_stop),
        SaFlags::empty(),
        SigSet::empty(),
    );
    for signal in [Signal::SIGINT, Signal::SIGTERM] {
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
        let _ = unsafe { sigaction(signal, &action) };
    }
}

/// Message type names accepted by `--filter` (case-insensitive), e.g. `acquire`, `x_spdadd`.
pub fn message_type_by_name(name: &str) -> Option<u8> {
    let wanted = name.to_ascii_uppercase();
    let wanted = wanted.trim_start_matches("SADB_");
    (0..=SADB_X_MIGRATE).find(|t| {
        let n = pfkey::msg_type_name(*t);
        n == wanted || n.strip_prefix("X_") == Some(wanted)
    })
}

pub fn run(opts: &MonitorOptions) -> i32 {
    install_signal_handlers();
    let socket = match PfKeySocket::open() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("setkey: {e}");
            return 1;
        }
    };
    let pid = std::process::id();
    let mut requests = vec![{
        let mut m = Message::new(SADB_X_PROMISC, 1);
        m.header.pid = pid;
        m
    }];
    for satype in &opts.register {
        let mut m = Message::new(SADB_REGISTER, *satype);
        m.header.pid = pid;
        requests.push(m);
    }
    for (seq, msg) in requests.iter_mut().enumerate() {
        msg.header.seq = seq as u32 + 1;
        let sent = pfkey::emit(msg, opts.view.dialect)
            .map_err(|e| e.to_string())
            .and_then(|bytes| socket.send(&bytes).map_err(|e| e.to_string()));
        if let Err(e) = sent {
            eprintln!("setkey: {e}");
            return 1;
        }
    }
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    let stdout = std::io::stdout();
    while !STOP.load(Ordering::SeqCst) {
        let bytes = match socket.recv_datagram(Duration::from_millis(200)) {
            Ok(b) => b,
            Err(KernelError::Timeout) => continue,
            Err(KernelError::Overflow) => {
                let mut out = stdout.lock();
                let _ = writeln!(
                    out,
                    "*** the kernel dropped messages: the socket's receive buffer was full ***\n"
                );
                *counts.entry("(lost)".into()).or_default() += 1;
                continue;
            }
            Err(e) => {
                eprintln!("setkey: {e}");
                return 1;
            }
        };
        let text = monitor_entry::render(&bytes, &opts.view, &mut counts, now());
        let mut out = stdout.lock();
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }
    if opts.summary {
        print!("{}", summary_table(&counts));
    }
    0
}

fn now() -> (u64, u32) {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    (d.as_secs(), d.subsec_micros())
}

/// `--replay FILE`: render a file of concatenated raw messages as the monitor would.
pub fn replay(path: &std::path::Path, opts: &MonitorOptions) -> i32 {
    let bytes = match super::input::read_input(Some(path)) {
        Ok((_, b)) => b,
        Err(e) => {
            eprintln!("setkey: {e}");
            return 1;
        }
    };
    let mut counts = BTreeMap::new();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for one in pfkey::split(&bytes) {
        let _ =
            out.write_all(monitor_entry::render(one, &opts.view, &mut counts, (0, 0)).as_bytes());
    }
    let _ = out.flush();
    drop(out);
    if opts.summary {
        print!("{}", summary_table(&counts));
    }
    0
}

fn summary_table(counts: &BTreeMap<String, u64>) -> String {
    let mut table = comfy_table::Table::new();
    table.load_preset(comfy_table::presets::ASCII_MARKDOWN);
    table.set_header(vec!["message", "count"]);
    for (name, count) in counts {
        table.add_row(vec![name.clone(), count.to_string()]);
    }
    format!("{table}\n")
}
