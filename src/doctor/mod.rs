//! `--doctor`: findings about a dumped SAD and SPD, each with the statements that fix it.

pub(crate) mod matching;
pub mod report;

use std::fmt::Write;

use crate::compile::algorithms::{auth_name_of_id, encrypt_name_of_id};
use crate::decompile::{self, sa_statement};
use crate::pfkey::consts::*;
use crate::pfkey::{AddressKind, Dialect, IpsecRequest, LifetimeKind, Message, SockAddr};
use matching::{endpoints_of, sa_matches, same_host, satype_of, Needed};

/// What a finding is about; its `name` is the stable word of the JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Several SAs for the same addresses, protocol, mode and reqid.
    DuplicateSa,
    /// A require/unique policy with no SA for a request, and no key manager to make one.
    MissingSa,
    /// A `unique:N` request whose reqid no SA carries.
    UnmatchedReqid,
    /// An SA that no policy uses.
    UnusedSa,
    /// An IPsec policy with no IPsec policy for the opposite direction.
    Asymmetric,
    /// An SA close to its hard lifetime.
    Expiring,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::DuplicateSa => "duplicate-sa",
            Kind::MissingSa => "missing-sa",
            Kind::UnmatchedReqid => "unmatched-reqid",
            Kind::UnusedSa => "unused-sa",
            Kind::Asymmetric => "asymmetric-policy",
            Kind::Expiring => "expiring-sa",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: Kind,
    pub text: String,
    /// Statements of the target's language that remove the finding.
    pub fix: Vec<String>,
}

/// What the analysis needs besides the two dumps.
pub struct Context<'a> {
    pub dialect: Dialect,
    /// Seconds since the epoch.
    pub now: u64,
    /// The key management daemon found running (racoon, charon, ...), if any.
    pub key_manager: Option<String>,
    /// `n` fresh random bytes, for the SPIs and keys of suggested SAs.
    pub random: &'a dyn Fn(usize) -> Vec<u8>,
}

/// An SA closer than this to its hard lifetime is reported (or closer than a tenth of it).
pub const EXPIRY_HORIZON_SECS: u64 = 60;

fn live(sa: &Message) -> bool {
    sa.sa()
        .is_some_and(|s| s.state == SADB_SASTATE_MATURE || s.state == SADB_SASTATE_DYING)
}

fn host(a: &SockAddr) -> String {
    decompile::host(a).unwrap_or_else(|| "?".into())
}

fn satype_word(satype: u8) -> &'static str {
    match satype {
        SADB_SATYPE_AH => "ah",
        SADB_SATYPE_ESP => "esp",
        SADB_X_SATYPE_IPCOMP => "ipcomp",
        _ => "tcp",
    }
}

fn sa_label(m: &Message) -> String {
    let src = m
        .address(AddressKind::Src)
        .map_or("?".into(), |a| host(&a.addr));
    let dst = m
        .address(AddressKind::Dst)
        .map_or("?".into(), |a| host(&a.addr));
    let spi = m.sa().map_or(0, |s| s.spi);
    format!("{src} {dst} {} 0x{spi:x}", satype_word(m.header.satype))
}

fn delete(m: &Message) -> String {
    format!("delete {};", sa_label(m))
}

fn policy_label(m: &Message) -> String {
    let sel = |k| {
        m.address(k)
            .map_or("?".into(), |a| format!("{}/{}", host(&a.addr), a.prefixlen))
    };
    let dir = match m.policy().map(|p| p.dir) {
        Some(IPSEC_DIR_INBOUND) => "in",
        Some(IPSEC_DIR_OUTBOUND) => "out",
        Some(IPSEC_DIR_FWD) => "fwd",
        _ => "?",
    };
    format!(
        "{} -> {} {dir} (spid={})",
        sel(AddressKind::Src),
        sel(AddressKind::Dst),
        m.policy().map_or(0, |p| p.id)
    )
}

/// Every finding, in a fixed order: by kind, then as the dumps list the entries.
pub fn examine(sad: &[Message], spd: &[Message], cx: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    duplicates(sad, cx, &mut findings);
    missing(sad, spd, cx, &mut findings);
    unused(sad, spd, &mut findings);
    asymmetric(sad, spd, cx, &mut findings);
    expiring(sad, cx, &mut findings);
    findings
}

fn created(m: &Message) -> u64 {
    m.lifetime(LifetimeKind::Current).map_or(0, |l| l.addtime)
}

fn duplicates(sad: &[Message], cx: &Context, out: &mut Vec<Finding>) {
    let key = |m: &Message| {
        (
            m.address(AddressKind::Src).map(|a| a.addr.clone()),
            m.address(AddressKind::Dst).map(|a| a.addr.clone()),
            m.header.satype,
            m.sa2().map(|s| (s.mode, s.reqid)),
        )
    };
    let live: Vec<&Message> = sad.iter().filter(|m| live(m)).collect();
    let mut seen = Vec::new();
    for m in &live {
        let k = key(m);
        if seen.contains(&k) {
            continue;
        }
        seen.push(k.clone());
        let group: Vec<&Message> = live.iter().copied().filter(|x| key(x) == k).collect();
        if group.len() < 2 {
            continue;
        }
        // Kernels list the newest first, which decides between SAs of the same second.
        let newest =
            group.iter().copied().fold(
                group[0],
                |best, x| if created(x) > created(best) { x } else { best },
            );
        let stale: Vec<&Message> = group
            .iter()
            .copied()
            .filter(|x| !std::ptr::eq(*x, newest))
            .collect();
        let spis: Vec<String> = group
            .iter()
            .map(|x| format!("0x{:x}", x.sa().map_or(0, |s| s.spi)))
            .collect();
        out.push(Finding {
            kind: Kind::DuplicateSa,
            text: format!(
                "{} SAs from {} to {} {} (spi {}): the older ones are left from before a \
                 restart of the peer, and the {} kernel may pick one of them for outgoing \
                 traffic; the newest (0x{:x}) is kept",
                group.len(),
                newest
                    .address(AddressKind::Src)
                    .map_or("?".into(), |a| host(&a.addr)),
                newest
                    .address(AddressKind::Dst)
                    .map_or("?".into(), |a| host(&a.addr)),
                satype_word(newest.header.satype),
                spis.join(", "),
                cx.dialect,
                newest.sa().map_or(0, |s| s.spi)
            ),
            fix: stale.iter().map(|x| delete(x)).collect(),
        });
    }
}

/// An `add` of an SA for `need`, with a fresh SPI and fresh keys.
fn fresh_sa(need: &Needed, sad: &[Message], cx: &Context) -> String {
    let number = |bytes: Vec<u8>| bytes.iter().fold(0u32, |n, b| n << 8 | u32::from(*b));
    let spi = loop {
        let spi = if need.satype == SADB_X_SATYPE_IPCOMP {
            0x1000 + number((cx.random)(2)) % 0xe000
        } else {
            0x10000 + number((cx.random)(4)) % 0x0fff_0000
        };
        if !sad.iter().any(|m| m.sa().is_some_and(|s| s.spi == spi)) {
            break spi;
        }
    };
    let hex = |n: usize| {
        (cx.random)(n).iter().fold(String::from("0x"), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
    };
    let mode = match need.mode {
        IPSEC_MODE_TUNNEL => "tunnel",
        IPSEC_MODE_TRANSPORT => "transport",
        _ => "any",
    };
    let mut text = format!(
        "add {} {} {} 0x{spi:x} -m {mode}",
        host(&need.src),
        host(&need.dst),
        satype_word(need.satype)
    );
    if need.reqid != 0 {
        let _ = write!(text, " -u {}", need.reqid);
    }
    let auth = auth_name_of_id(5, cx.dialect).unwrap_or("hmac-sha256");
    match need.satype {
        SADB_X_SATYPE_IPCOMP => text.push_str(" -C deflate"),
        SADB_SATYPE_AH => {
            let _ = write!(text, " -A {auth} {}", hex(32));
        }
        _ => {
            let enc = encrypt_name_of_id(12, cx.dialect).unwrap_or("aes-cbc");
            let _ = write!(text, " -E {enc} {} -A {auth} {}", hex(16), hex(32));
        }
    }
    text.push(';');
    text
}

fn missing(sad: &[Message], spd: &[Message], cx: &Context, out: &mut Vec<Finding>) {
    let mut reported: Vec<Needed> = Vec::new();
    for p in spd {
        let Some(policy) = p.policy() else { continue };
        if policy.policy_type != IPSEC_POLICY_IPSEC {
            continue;
        }
        for r in &policy.requests {
            let Some(need) = needed(p, r) else { continue };
            if r.level != IPSEC_LEVEL_REQUIRE && r.level != IPSEC_LEVEL_UNIQUE {
                continue;
            }
            if sad.iter().any(|sa| live(sa) && sa_matches(sa, &need)) {
                continue;
            }
            let manual_unique =
                r.level == IPSEC_LEVEL_UNIQUE && r.reqid != 0 && r.reqid <= IPSEC_MANUAL_REQID_MAX;
            let kind = if manual_unique {
                Kind::UnmatchedReqid
            } else if cx.key_manager.is_none() {
                Kind::MissingSa
            } else {
                continue;
            };
            if reported.contains(&need) {
                continue;
            }
            reported.push(need.clone());
            let what = format!(
                "{} SA from {} to {}",
                satype_word(need.satype),
                host(&need.src),
                host(&need.dst)
            );
            let text = match kind {
                Kind::UnmatchedReqid => format!(
                    "policy {} wants unique:{}, and no SA carries reqid {} ({what}): its \
                     traffic is dropped",
                    policy_label(p),
                    r.reqid,
                    r.reqid
                ),
                _ => format!(
                    "policy {} requires an {what}; there is none and no key manager runs to \
                     negotiate one, so its traffic is dropped (fix: a manual SA with fresh \
                     keys; the peer needs the same)",
                    policy_label(p)
                ),
            };
            out.push(Finding {
                kind,
                text,
                fix: vec![fresh_sa(&need, sad, cx)],
            });
        }
    }
}

/// The SA a request of policy `p` needs, when its addresses are known.
fn needed(p: &Message, r: &IpsecRequest) -> Option<Needed> {
    let (src, dst) = endpoints_of(p, r)?;
    Some(Needed {
        src,
        dst,
        satype: satype_of(r.proto)?,
        mode: r.mode,
        reqid: r.reqid,
    })
}

fn unused(sad: &[Message], spd: &[Message], out: &mut Vec<Finding>) {
    for sa in sad.iter().filter(|m| live(m)) {
        if sa.header.satype == SADB_X_SATYPE_TCPSIGNATURE {
            continue;
        }
        let used = spd.iter().any(|p| {
            p.policy().is_some_and(|policy| {
                policy.policy_type == IPSEC_POLICY_IPSEC
                    && policy
                        .requests
                        .iter()
                        .any(|r| matching::request_uses(p, r, sa))
            })
        });
        if !used {
            out.push(Finding {
                kind: Kind::UnusedSa,
                text: format!("SA {} is used by no policy", sa_label(sa)),
                fix: vec![delete(sa)],
            });
        }
    }
}

fn asymmetric(sad: &[Message], spd: &[Message], cx: &Context, out: &mut Vec<Finding>) {
    for p in spd {
        let Some(policy) = p.policy() else { continue };
        let opposite = match policy.dir {
            IPSEC_DIR_OUTBOUND => IPSEC_DIR_INBOUND,
            IPSEC_DIR_INBOUND => IPSEC_DIR_OUTBOUND,
            _ => continue,
        };
        if policy.policy_type != IPSEC_POLICY_IPSEC {
            continue;
        }
        let (Some(src), Some(dst)) = (p.address(AddressKind::Src), p.address(AddressKind::Dst))
        else {
            continue;
        };
        let mirrored = spd.iter().any(|q| {
            q.policy()
                .is_some_and(|x| x.dir == opposite && x.policy_type == IPSEC_POLICY_IPSEC)
                && q.address(AddressKind::Src)
                    .is_some_and(|a| same_selector(a, dst))
                && q.address(AddressKind::Dst)
                    .is_some_and(|a| same_selector(a, src))
        });
        if mirrored {
            continue;
        }
        let mut mirror = p.clone();
        for e in &mut mirror.extensions {
            match e {
                crate::pfkey::Extension::Address(AddressKind::Src, a) => *a = dst.clone(),
                crate::pfkey::Extension::Address(AddressKind::Dst, a) => *a = src.clone(),
                crate::pfkey::Extension::Policy(x) => {
                    x.dir = opposite;
                    x.id = 0;
                    for r in &mut x.requests {
                        if let Some((a, b)) = r.endpoints.take() {
                            r.endpoints = Some((b, a));
                        }
                        if r.level == IPSEC_LEVEL_UNIQUE {
                            r.level = IPSEC_LEVEL_REQUIRE;
                        }
                        r.reqid = 0;
                    }
                }
                _ => {}
            }
        }
        let rendered = decompile::sp_statement(&mirror, cx.dialect, std::slice::from_ref(&mirror));
        let Some(statement) = rendered.statement else {
            continue;
        };
        let mut fix = vec![statement];
        if cx.key_manager.is_none() {
            for r in &mirror.policy().expect("a policy").requests {
                if let Some(need) = needed(&mirror, r) {
                    if !sad.iter().any(|sa| live(sa) && sa_matches(sa, &need)) {
                        fix.push(fresh_sa(&need, sad, cx));
                    }
                }
            }
        }
        out.push(Finding {
            kind: Kind::Asymmetric,
            text: format!(
                "policy {} protects one direction only: no IPsec policy for the traffic back",
                policy_label(p)
            ),
            fix,
        });
    }
}

fn same_selector(a: &crate::pfkey::Address, b: &crate::pfkey::Address) -> bool {
    a.prefixlen == b.prefixlen && a.proto == b.proto && same_host(&a.addr, &b.addr)
}

fn expiring(sad: &[Message], cx: &Context, out: &mut Vec<Finding>) {
    for sa in sad.iter().filter(|m| live(m)) {
        let Some(hard) = sa.lifetime(LifetimeKind::Hard).map(|l| l.addtime) else {
            continue;
        };
        if hard == 0 {
            continue;
        }
        let ends = created(sa).saturating_add(hard);
        let left = ends.saturating_sub(cx.now);
        if left > EXPIRY_HORIZON_SECS && left > hard / 10 {
            continue;
        }
        let Some(again) = sa_statement(sa, cx.dialect).statement else {
            continue;
        };
        out.push(Finding {
            kind: Kind::Expiring,
            text: format!(
                "SA {} reaches its hard lifetime of {hard} s in {left} s, then the kernel \
                 deletes it (fix: the same SA again, whose lifetime starts anew; a key \
                 manager would negotiate new keys)",
                sa_label(sa)
            ),
            fix: vec![delete(sa), again],
        });
    }
}

#[cfg(test)]
mod tests;
