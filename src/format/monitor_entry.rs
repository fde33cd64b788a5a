//! One message received by `-x` (or read back by `--replay`) as the monitor prints it.

use std::collections::BTreeMap;

use super::{hexdump, json, kdebug, monitor};
use crate::origin::{self, ConfigTrace};
use crate::pfkey::consts::SADB_X_PROMISC;
use crate::pfkey::{self, Dialect};

/// What the monitor shows of each message.
#[derive(Debug, Clone)]
pub struct View {
    pub dialect: Dialect,
    /// `-xx`: raw `secs.usecs` timestamps.
    pub raw_time: bool,
    pub hex: bool,
    pub json: bool,
    /// `--annotate`: a summary line before each message (the C setkey prints none).
    pub annotate: bool,
    /// Message types to show (empty: all).
    pub filter: Vec<u8>,
}

/// Everything printed for one received message (empty when filtered out); `counts` gains
/// one for the message's type name, marked when it is a promiscuous copy. With `trace`
/// (`--config`), every message teaches it the kernel's policy ids, and an ACQUIRE or
/// SPDEXPIRE is shown with the policy of the configuration it comes from.
pub fn render(
    bytes: &[u8],
    view: &View,
    counts: &mut BTreeMap<String, u64>,
    (secs, micros): (u64, u32),
    trace: Option<&mut ConfigTrace>,
) -> String {
    let inner = monitor::unwrap_promisc(bytes);
    let promiscuous_copy = inner.len() != bytes.len();
    let parsed = pfkey::parse(inner, view.dialect);
    let trace = trace.map(|t| {
        if let Ok(msg) = &parsed {
            t.origins.learn(msg);
        }
        &*t
    });
    let traced = match (trace, &parsed) {
        (Some(t), Ok(msg)) if origin::is_traced(msg.header.msg_type) => Some((t, msg)),
        _ => None,
    };
    let msg_type = pfkey::peek_header(inner).map(|h| h.msg_type);
    if !view.filter.is_empty() && !msg_type.is_some_and(|t| view.filter.contains(&t)) {
        return String::new();
    }
    let name = msg_type.map_or("(short)", pfkey::msg_type_name);
    let counted = if promiscuous_copy {
        format!("{name} {}", monitor::PROMISCUOUS_COPY)
    } else {
        name.to_string()
    };
    *counts.entry(counted).or_default() += 1;
    if view.json {
        return match &parsed {
            Ok(msg) => {
                let mut text =
                    json::message(msg, view.dialect, Some((secs, micros)), promiscuous_copy);
                if let Some((t, msg)) = traced {
                    text.pop();
                    text.push_str(&format!(
                        ",\"policy_origin\":{}}}",
                        monitor::origin_json(t, msg)
                    ));
                }
                format!("{text}\n")
            }
            Err(e) => format!(
                "{{\"time\":{secs}.{micros:06},\"error\":{:?},\"bytes\":\"{}\"}}\n",
                e.to_string(),
                inner.iter().map(|b| format!("{b:02x}")).collect::<String>()
            ),
        };
    }
    // As the C setkey's promisc(): the time, the -H dump, then kdebug_sadb and a blank line;
    // an X_PROMISC wrapper with nothing inside gets only the first two.
    let mut out = monitor::timestamp_line(secs, micros, view.raw_time);
    if view.hex {
        out.push_str(&hexdump::offset_dump(bytes));
    }
    if msg_type == Some(SADB_X_PROMISC) && !promiscuous_copy {
        return out;
    }
    if view.annotate {
        match &parsed {
            Ok(msg) => out.push_str(&format!(
                "# {}{}\n",
                monitor::summary(msg, view.dialect, secs),
                if promiscuous_copy {
                    format!(" {}", monitor::PROMISCUOUS_COPY)
                } else {
                    String::new()
                }
            )),
            Err(e) => out.push_str(&format!("# undecodable message: {e}\n")),
        }
    }
    if let Some((t, msg)) = traced {
        out.push_str(&monitor::origin_line(t, msg));
    }
    if msg_type.is_some() {
        out.push_str(&kdebug::render_bytes(inner, view.dialect));
    } else {
        out.push_str("# undecodable message: shorter than its header\n");
        out.push_str(&hexdump::offset_dump(inner));
    }
    out.push('\n');
    out
}
