//! `--doctor`: read the SAD and the SPD, look for a key manager, report the findings.

use std::io::Read;

use setkey::doctor::{self, report, Context};
use setkey::pfkey::consts::*;
use setkey::pfkey::{Dialect, Message};

use super::session::Session;
use super::{kernel_error_text, unix_now};

/// Daemons that negotiate SAs through PF_KEY or the kernel's own interface.
const KEY_MANAGERS: &[&str] = &[
    "racoon",
    "racoon2",
    "iked",
    "spmd",
    "charon",
    "pluto",
    "isakmpd",
    "strongswan",
];

/// Exit 0 healthy, 2 with findings, 1 when the databases cannot be read.
pub fn run(dialect: Dialect, json: bool, verbose: bool, hex: bool) -> i32 {
    let mut session = match Session::open(dialect, verbose, hex) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("setkey: {e}");
            return 1;
        }
    };
    let (sad, spd) = match (
        read(&mut session, SADB_DUMP, SADB_SATYPE_UNSPEC),
        read(&mut session, SADB_X_SPDDUMP, 0),
    ) {
        (Ok(sad), Ok(spd)) => (sad, spd),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("setkey: {e}");
            return 1;
        }
    };
    let key_manager = running_key_manager();
    let cx = Context {
        dialect,
        now: unix_now(),
        key_manager: key_manager.clone(),
        random: &random_bytes,
    };
    let findings = doctor::examine(&sad, &spd, &cx);
    let examined = report::Examined {
        dialect,
        sas: sad.len(),
        policies: spd.len(),
        key_manager: key_manager.as_deref(),
    };
    if json {
        println!("{}", report::json(&findings, &examined));
    } else {
        print!("{}", report::text(&findings, &examined));
    }
    if findings.is_empty() {
        0
    } else {
        2
    }
}

/// Every entry of a dump; an empty database is no entries.
fn read(session: &mut Session, msg_type: u8, satype: u8) -> Result<Vec<Message>, String> {
    let mut entries = Vec::new();
    let request = Message::new(msg_type, satype);
    match session.dump(&request, |m| entries.push(m.clone())) {
        Ok(0) => Ok(entries),
        Ok(errno) if i32::from(errno) == libc::ENOENT => Ok(entries),
        Ok(errno) => Err(kernel_error_text(session.dialect, msg_type, errno)),
        Err(e) => Err(e.to_string()),
    }
}

/// The first known key manager among the running processes (/proc, else `ps`).
fn running_key_manager() -> Option<String> {
    let names: Vec<String> = match std::fs::read_dir("/proc") {
        Ok(dir) => dir
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.path().join("comm")).ok())
            .collect(),
        Err(_) => std::process::Command::new("ps")
            .args(["-A", "-o", "comm="])
            .output()
            .map(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
    };
    names.iter().find_map(|n| {
        let name = n.trim().rsplit('/').next().unwrap_or("");
        KEY_MANAGERS.contains(&name).then(|| name.to_string())
    })
}

/// Fresh bytes for suggested SPIs and keys; without /dev/urandom there is no safe key.
fn random_bytes(n: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; n];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if let Err(e) = read {
        eprintln!("setkey: /dev/urandom: {e}: no fresh keys for the suggested SAs");
        std::process::exit(1);
    }
    bytes
}
