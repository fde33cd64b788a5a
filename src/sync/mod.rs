//! The difference between the kernel's SAD and SPD and the state a script describes
//! (`--diff`, `--sync`): the statements that show it and the requests that apply it.
//!
//! The desired state is the kernel's, changed as the script's requests would change it if
//! each `add` and `spdadd` replaced what it names instead of failing on it: what the script
//! names is managed by it, and a `flush`/`spdflush` (or `deleteall`) puts everything it
//! covers under the script. SAs are named by protocol, SPI and destination, policies by
//! direction and selectors. Two entries agree when they are written as the same statement.

mod model;

use std::collections::HashSet;

use crate::decompile::{sa_delete_statement, sa_statement, sp_delete_statement, sp_statement};
use crate::pfkey::consts::*;
use crate::pfkey::{Dialect, Message};
use crate::rollback::{self, policy_add_form, sa_add_form};
use model::{policy_key, sa_key, PolicyKey, SaKey};

pub use model::{Intent, Refusal};

/// What one change of the kernel's state stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// Named by the script, absent from the kernel.
    Missing,
    /// In the kernel, removed by the script (a delete, flush or deleteall covers it).
    Extra,
    /// In both, but not the same.
    Changed,
}

/// One request of a change, and the index of the script intent it comes from (the statement
/// a failure is reported at).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub origin: usize,
    pub message: Message,
}

/// One SA or policy to add, delete or replace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    /// The change as script lines: `- STATEMENT` removes, `+ STATEMENT` installs, and
    /// `# ...` comments say what the kernel has now.
    pub lines: Vec<String>,
    pub requests: Vec<Request>,
}

/// Every change, SAs first (so that the policies find their SAs), then policies.
#[derive(Debug, Default)]
pub struct Diff {
    pub changes: Vec<Change>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The diff as text: every line of every change, each ending in a newline.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for line in self.changes.iter().flat_map(|c| &c.lines) {
            out.push_str(line);
            out.push('\n');
        }
        out
    }
}

/// The kernel's state, as its dumps list it.
pub struct KernelState<'a> {
    pub sad: &'a [Message],
    pub spd: &'a [Message],
}

/// The changes that turn `kernel` into the state `intents` describe. `source` gives the
/// script text of an intent, written in a `+` line when its entry has no statement form.
pub fn diff(
    intents: &[Intent],
    kernel: &KernelState,
    dialect: Dialect,
    source: &dyn Fn(usize) -> String,
) -> Result<Diff, Refusal> {
    let desired = model::desired(intents, kernel)?;
    let mut out = Diff::default();
    let sa_text = |msg: &Message| sa_statement(msg, dialect).statement;
    let kernel_sa_text = |msg: &Message| {
        sa_text(msg)
            .unwrap_or_else(|| format!("an SA with no statement form, spi 0x{:x}", spi(msg)))
    };

    let kernel_sas: HashSet<SaKey> = kernel.sad.iter().filter_map(sa_key).collect();
    for now in kernel.sad {
        // An SA the language cannot name is no part of any script's state.
        let Some(key) = sa_key(now) else { continue };
        match desired.sad.get(&key) {
            Some(d) => {
                let Some(origin) = d.origin else { continue };
                let wanted = model::as_stored(&d.message, dialect);
                if same_sa(&wanted, now, dialect) {
                    continue;
                }
                out.changes.push(Change {
                    kind: ChangeKind::Changed,
                    lines: vec![
                        format!("# the kernel has: {}", kernel_sa_text(now)),
                        sa_delete_line(now),
                        format!("+ {}", sa_text(&wanted).unwrap_or_else(|| source(origin))),
                    ],
                    requests: vec![
                        Request {
                            origin,
                            message: rollback::sa_delete(now),
                        },
                        Request {
                            origin,
                            message: d.message.clone(),
                        },
                    ],
                });
            }
            None => {
                let origin = desired.sad.removed_by(&key);
                out.changes.push(Change {
                    kind: ChangeKind::Extra,
                    lines: vec![sa_delete_line(now)],
                    requests: vec![Request {
                        origin,
                        message: rollback::sa_delete(now),
                    }],
                });
            }
        }
    }
    for d in desired.sad.iter() {
        let Some(origin) = d.origin else { continue };
        if sa_key(&d.message).is_some_and(|k| kernel_sas.contains(&k)) {
            continue;
        }
        let wanted = model::as_stored(&d.message, dialect);
        out.changes.push(Change {
            kind: ChangeKind::Missing,
            lines: vec![format!(
                "+ {}",
                sa_text(&wanted).unwrap_or_else(|| source(origin))
            )],
            requests: vec![Request {
                origin,
                message: d.message.clone(),
            }],
        });
    }

    // The statement of a policy does not depend on the others (only its notes do).
    let sp_text = |msg: &Message| sp_statement(msg, dialect, &[]).statement;
    let kernel_policies: HashSet<PolicyKey> = kernel.spd.iter().filter_map(policy_key).collect();
    for now in kernel.spd {
        let Some(key) = policy_key(now) else { continue };
        match desired.spd.get(&key) {
            Some(d) => {
                let Some(origin) = d.origin else { continue };
                let wanted = sp_text(&d.message);
                let same = match (&wanted, sp_text(now)) {
                    (Some(a), Some(b)) => *a == b,
                    (None, None) => policy_add_form(&d.message) == policy_add_form(now),
                    _ => false,
                };
                if same {
                    continue;
                }
                let mut update = d.message.clone();
                update.header.msg_type = SADB_X_SPDUPDATE;
                let now_text =
                    sp_text(now).unwrap_or_else(|| "a policy with no statement form".to_string());
                let wanted = wanted.map_or_else(|| source(origin), as_spdupdate);
                out.changes.push(Change {
                    kind: ChangeKind::Changed,
                    lines: vec![
                        format!("# the kernel has: {now_text}"),
                        format!("+ {wanted}"),
                    ],
                    requests: vec![Request {
                        origin,
                        message: update,
                    }],
                });
            }
            None => {
                let origin = desired.spd.removed_by(&key);
                let line = sp_delete_statement(now, dialect).map_or_else(
                    || "# a policy with no setkey form is deleted".to_string(),
                    |s| format!("- {s}"),
                );
                out.changes.push(Change {
                    kind: ChangeKind::Extra,
                    lines: vec![line],
                    requests: vec![Request {
                        origin,
                        message: rollback::policy_delete(now),
                    }],
                });
            }
        }
    }
    for d in desired.spd.iter() {
        let Some(origin) = d.origin else { continue };
        if policy_key(&d.message).is_some_and(|k| kernel_policies.contains(&k)) {
            continue;
        }
        let text = sp_text(&d.message).unwrap_or_else(|| source(origin));
        out.changes.push(Change {
            kind: ChangeKind::Missing,
            lines: vec![format!("+ {text}")],
            requests: vec![Request {
                origin,
                message: d.message.clone(),
            }],
        });
    }
    Ok(out)
}

/// The same SA: the same statement, or for an SA with none, the same ADD.
fn same_sa(wanted: &Message, now: &Message, dialect: Dialect) -> bool {
    let text = |m: &Message| sa_statement(m, dialect).statement;
    match (text(wanted), text(now)) {
        (Some(a), Some(b)) => a == b,
        (None, None) => sa_add_form(wanted) == sa_add_form(now),
        _ => false,
    }
}

fn spi(msg: &Message) -> u32 {
    msg.sa().map_or(0, |sa| sa.spi)
}

/// `- delete ...;`, or a comment for an SA that no statement names.
fn sa_delete_line(entry: &Message) -> String {
    sa_delete_statement(entry).map_or_else(
        || {
            format!(
                "# an SA with no setkey form is deleted, spi 0x{:x}",
                spi(entry)
            )
        },
        |s| format!("- {s}"),
    )
}

/// A changed policy is replaced in place, so that no packet finds it missing meanwhile.
fn as_spdupdate(statement: String) -> String {
    match statement.strip_prefix("spdadd ") {
        Some(rest) => format!("spdupdate {rest}"),
        None => statement,
    }
}

#[cfg(test)]
mod tests;
