//! `-x`: print every PF_KEY message the kernel sends to key sockets, until SIGINT/SIGTERM.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use setkey::compile::CompileOptions;
use setkey::format::monitor_entry::{self, View};
use setkey::kernel::{KernelError, PfKeySocket};
use setkey::lang::diag::LineIndex;
use setkey::origin::{ConfigTrace, PolicyOrigins};
use setkey::pfkey::consts::*;
use setkey::pfkey::{self, Message};

use super::script::{compile_script, Action};
use super::session::Session;

pub struct MonitorOptions {
    pub view: View,
    pub summary: bool,
    /// SA types to register for, so that the kernel sends ACQUIREs.
    pub register: Vec<u8>,
    /// `--config FILE`: the policies ACQUIREs and SPDEXPIREs are traced to.
    pub config: Option<ConfigTrace>,
}

/// `--config FILE`: the policies FILE installs, each with its `FILE:LINE`.
pub fn load_config(
    path: &std::path::Path,
    compile: &CompileOptions,
) -> Result<ConfigTrace, String> {
    let script = super::input::read_script(Some(path))?;
    let Ok(steps) = compile_script(&script, compile, true) else {
        return Err(format!("--config: {} does not compile", script.name));
    };
    let lines = LineIndex::new(&script.text);
    let compiled = steps.iter().filter_map(|step| match &step.action {
        Action::Send(bytes) => {
            let msg = pfkey::parse(bytes, compile.dialect).ok()?;
            let (line, _) = lines.line_col(step.statement.start);
            Some((msg, format!("{}:{line}", script.name)))
        }
        _ => None,
    });
    Ok(ConfigTrace {
        origins: PolicyOrigins::new(compiled),
        name: script.name.clone(),
    })
}

/// The kernel's policy ids as they are now: an SPDDUMP on a socket of its own (a promiscuous
/// socket would see every reply of it too).
fn learn_from_dump(trace: &mut ConfigTrace, dialect: pfkey::Dialect) -> Result<(), String> {
    let mut session = Session::open(dialect, false, false).map_err(|e| e.to_string())?;
    let errno = session
        .dump(&Message::new(SADB_X_SPDDUMP, 0), |entry| {
            trace.origins.learn(entry)
        })
        .map_err(|e| e.to_string())?;
    match i32::from(errno) {
        0 | libc::ENOENT => Ok(()),
        e => Err(format!(
            "--config: the SPD dump failed: {}",
            std::io::Error::from_raw_os_error(e)
        )),
    }
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
    // The monitor's socket is open (and gets every SPDADD from now on) before the dump, and
    // promiscuous only after it.
    let mut trace = opts.config.clone();
    if let Some(trace) = &mut trace {
        if let Err(e) = learn_from_dump(trace, opts.view.dialect) {
            eprintln!("setkey: {e}");
            return 1;
        }
    }
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
        let text = monitor_entry::render(&bytes, &opts.view, &mut counts, now(), trace.as_mut());
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
    let mut trace = opts.config.clone();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for one in pfkey::split(&bytes) {
        let text = monitor_entry::render(one, &opts.view, &mut counts, (0, 0), trace.as_mut());
        let _ = out.write_all(text.as_bytes());
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
