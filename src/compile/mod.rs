//! Statements to PF_KEY messages, exactly as the C setkey of each target OS would send them.

pub mod algorithms;
mod sa;
mod spare;
mod spd;
#[cfg(test)]
pub(crate) mod testing;

use std::cell::RefCell;

use crate::profile::Feature;
use std::net::IpAddr;

use crate::lang::{
    AddressFlags, Diagnostic, Host, SaProtocol, SecurityContext, Span, Spanned, Statement,
    StatementKind, Zone,
};
use crate::pfkey::consts::*;
use crate::pfkey::{Address, AddressKind, Dialect, ExtSlot, Extension, Message, SecCtx, SockAddr};
pub use spare::Spare;

#[derive(Debug, Clone, Copy)]
pub struct CompileOptions {
    pub dialect: Dialect,
    pub pid: u32,
    /// Linux (ipsec-tools RFC mode): also install every inbound policy as a fwd policy.
    pub linux_fwd_copy: bool,
    /// The index of an interface named in an IPv6 zone (`fe80::1%em0`), as if_nametoindex(3)
    /// gives it; `None` when there is no such interface.
    pub interface_index: fn(&str) -> Option<u32>,
    /// An unknown interface is an error (else its zone is 0: `-n`, where nothing is sent).
    pub require_interfaces: bool,
}

/// What to do with one compiled message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    /// Send; the reply's errno is checked.
    Send(Message),
    /// Send; the SA in the reply is printed as `-D` does.
    Get(Message),
    /// A dump request: print every reply until the one with seq 0.
    Dump(Message),
    /// Linux `deleteall`: dump the SAs of `satype`, delete each between `src` and `dst`.
    DeleteAllByDump {
        dump: Message,
        satype: u8,
        src: SockAddr,
        dst: SockAddr,
    },
    /// `exit`/`quit`/`bye`: stop reading the script.
    Exit,
    /// Something the target's setkey takes but ignores or changes: said on stderr, before
    /// anything is sent.
    Warning(Diagnostic),
}

/// Compiles every statement; on failure returns the errors of all statements.
pub fn compile(
    stmts: &[Statement],
    opts: &CompileOptions,
) -> Result<Vec<Vec<Operation>>, Vec<Diagnostic>> {
    let mut compiled = Vec::with_capacity(stmts.len());
    let mut errors = Vec::new();
    for stmt in stmts {
        match compile_statement(stmt, opts) {
            Ok(ops) => compiled.push(ops),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        Ok(compiled)
    } else {
        Err(errors)
    }
}

pub fn compile_statement(
    stmt: &Statement,
    opts: &CompileOptions,
) -> Result<Vec<Operation>, Vec<Diagnostic>> {
    let mut ops = Vec::new();
    compile_statement_into(stmt, opts, &mut ops).map(|()| ops)
}

/// As `compile_statement`, appending the operations to `ops` (left as it was on failure):
/// a vector reused from one statement to the next is allocated once.
pub fn compile_statement_into(
    stmt: &Statement,
    opts: &CompileOptions,
    ops: &mut Vec<Operation>,
) -> Result<(), Vec<Diagnostic>> {
    compile_statement_reusing(stmt, opts, ops, &Spare::default())
}

/// As `compile_statement_into`, building the messages in the allocations of earlier ones
/// (given back with `Spare::recycle`).
pub fn compile_statement_reusing(
    stmt: &Statement,
    opts: &CompileOptions,
    ops: &mut Vec<Operation>,
    spare: &Spare,
) -> Result<(), Vec<Diagnostic>> {
    let warnings = RefCell::new(Vec::new());
    let context = Context {
        dialect: opts.dialect,
        pid: opts.pid,
        interface_index: opts.interface_index,
        require_interfaces: opts.require_interfaces,
        warnings: &warnings,
        spare,
    };
    let cx = Cx(&context);
    let start = ops.len();
    let compiled = compile_kind(cx, opts, stmt, ops);
    if compiled.is_err() {
        ops.truncate(start);
    }
    let mut warnings = warnings.into_inner();
    if warnings.is_empty() {
        return compiled;
    }
    // Each address pair of a host name says the same warnings: once is enough.
    let mut said: Vec<Diagnostic> = Vec::new();
    warnings.retain(|w| {
        let new = !said.contains(w);
        if new {
            said.push(w.clone());
        }
        new
    });
    match compiled {
        Ok(()) => {
            ops.splice(start..start, warnings.into_iter().map(Operation::Warning));
            Ok(())
        }
        Err(mut errors) => {
            errors.extend(warnings);
            errors.sort_by_key(|d| d.span.start);
            Err(errors)
        }
    }
}

fn compile_kind(
    cx: Cx,
    opts: &CompileOptions,
    stmt: &Statement,
    ops: &mut Vec<Operation>,
) -> Result<(), Vec<Diagnostic>> {
    // A host name with several addresses: the statement once per further address pair.
    let pairs = match &stmt.kind {
        StatementKind::Add(s) | StatementKind::Update(s) | StatementKind::Get(s) => &s.other_pairs,
        StatementKind::DeleteAll(d) => &d.other_pairs,
        _ => return compile_one(cx, opts, stmt, ops),
    };
    compile_one(cx, opts, stmt, ops)?;
    for (src, dst) in pairs {
        let mut kind = stmt.kind.clone();
        match &mut kind {
            StatementKind::Add(s) | StatementKind::Update(s) | StatementKind::Get(s) => {
                (s.src, s.dst) = (src.clone(), dst.clone());
                s.other_pairs.clear();
            }
            StatementKind::DeleteAll(d) => {
                (d.src, d.dst) = (src.clone(), dst.clone());
                d.other_pairs.clear();
            }
            _ => {}
        }
        let one = Statement {
            kind,
            span: stmt.span,
        };
        compile_one(cx, opts, &one, ops)?;
    }
    Ok(())
}

fn compile_one(
    cx: Cx,
    opts: &CompileOptions,
    stmt: &Statement,
    ops: &mut Vec<Operation>,
) -> Result<(), Vec<Diagnostic>> {
    let op = match &stmt.kind {
        StatementKind::Add(s) => Operation::Send(sa::add(cx, s, SADB_ADD)?),
        StatementKind::Update(s) => Operation::Send(sa::add(cx, s, SADB_UPDATE)?),
        StatementKind::Get(s) => Operation::Get(sa::get_or_delete(cx, s, SADB_GET)?),
        StatementKind::Delete(s) => Operation::Send(sa::get_or_delete(cx, s, SADB_DELETE)?),
        StatementKind::GetSpi(s) => Operation::Send(sa::getspi(cx, s, stmt.span)?),
        StatementKind::DeleteAll(d) => sa::delete_all(cx, d)?,
        StatementKind::Flush(p) => {
            let satype = p
                .as_ref()
                .map_or(Ok(SADB_SATYPE_UNSPEC), |p| cx.satype(p.value, p.span));
            Operation::Send(cx.message(SADB_FLUSH, satype.map_err(|e| vec![e])?))
        }
        StatementKind::Dump(p) => {
            let satype = p
                .as_ref()
                .map_or(Ok(SADB_SATYPE_UNSPEC), |p| cx.satype(p.value, p.span));
            Operation::Dump(cx.message(SADB_DUMP, satype.map_err(|e| vec![e])?))
        }
        StatementKind::SpdAdd(s) => return spd::spd(cx, opts, s, SADB_X_SPDADD, stmt.span, ops),
        StatementKind::SpdUpdate(s) => {
            return spd::spd(cx, opts, s, SADB_X_SPDUPDATE, stmt.span, ops)
        }
        StatementKind::SpdDelete(s) => {
            return spd::spd(cx, opts, s, SADB_X_SPDDELETE, stmt.span, ops)
        }
        StatementKind::SpdAddTagged { tag, policy } => {
            return spd::tagged(cx, tag, policy, stmt.span)
        }
        StatementKind::SpdFlush => Operation::Send(cx.message(SADB_X_SPDFLUSH, SADB_SATYPE_UNSPEC)),
        StatementKind::SpdDump => Operation::Dump(cx.message(SADB_X_SPDDUMP, SADB_SATYPE_UNSPEC)),
        StatementKind::Exit => Operation::Exit,
    };
    ops.push(op);
    Ok(())
}

/// Where in `stmt` to point at when its message cannot be encoded: the text that gave the
/// extension at fault (`None`: the message as a whole, which only a policy or a security
/// context can make too long), else the statement.
pub fn span_of_extension(stmt: &Statement, slot: Option<ExtSlot>) -> Span {
    let (policy, ctx, hwif) = match &stmt.kind {
        StatementKind::SpdAdd(s) | StatementKind::SpdUpdate(s) | StatementKind::SpdDelete(s) => {
            (Some(s.policy.span), s.ctx.as_ref(), s.hwif.as_ref())
        }
        StatementKind::SpdAddTagged { policy, .. } => (Some(policy.span), None, None),
        StatementKind::Add(s)
        | StatementKind::Update(s)
        | StatementKind::Get(s)
        | StatementKind::Delete(s)
        | StatementKind::GetSpi(s) => (None, s.options.ctx.as_ref(), s.options.hwif.as_ref()),
        _ => (None, None, None),
    };
    let ctx = ctx.map(|c| c.span);
    let hwif = hwif.map(|h| h.span);
    match slot {
        Some(ExtSlot::Policy) => policy,
        Some(ExtSlot::SecCtx) => ctx,
        Some(ExtSlot::IfHwOffload) => hwif,
        None => policy.or(ctx),
        _ => None,
    }
    .unwrap_or(stmt.span)
}

/// What compiling a statement reads, handed to every step as one pointer.
#[derive(Debug, Clone, Copy)]
struct Cx<'w>(&'w Context<'w>);

impl<'w> std::ops::Deref for Cx<'w> {
    type Target = Context<'w>;

    fn deref(&self) -> &Context<'w> {
        self.0
    }
}

/// The target and header values shared by every message of a run.
#[derive(Debug)]
struct Context<'w> {
    dialect: Dialect,
    pid: u32,
    interface_index: fn(&str) -> Option<u32>,
    require_interfaces: bool,
    /// What the statement's compilation warns of.
    warnings: &'w RefCell<Vec<Diagnostic>>,
    /// Allocations to build the messages in.
    spare: &'w Spare,
}

impl Cx<'_> {
    /// The sin6_scope_id of a zone; the span is the address's, for an unknown interface
    /// (then the error is kept and the id is 0).
    #[inline]
    fn scope_id(self, zone: &Option<Zone>, span: Span, errors: &mut Errors) -> u32 {
        match zone {
            None => 0,
            Some(Zone::Index(index)) => *index,
            Some(Zone::Interface(name)) => self.interface_scope_id(name.as_str(), span, errors),
        }
    }

    /// `scope_id` of a zone given as an interface name.
    #[cold]
    fn interface_scope_id(self, name: &str, span: Span, errors: &mut Errors) -> u32 {
        match (self.interface_index)(name) {
            Some(index) => index,
            None if !self.require_interfaces => 0,
            None => {
                errors.push(
                    span,
                    format!(
                        "no interface '{name}' on this host for the zone of this address \
                         (if_nametoindex); give the zone as a number"
                    ),
                );
                0
            }
        }
    }

    /// Warns that `option` is a later release's (see `Profile::later_release`).
    fn later_release_option(self, option: &str, span: Span) {
        if let Some((this, later)) = crate::profile::of(self.dialect).later_release {
            self.warn(
                span,
                format!("{option} is {later}'s: {this}'s setkey does not take it"),
            );
        }
    }

    fn warn(self, span: Span, message: impl Into<String>) {
        self.warnings
            .borrow_mut()
            .push(Diagnostic::warning(span, message));
    }

    fn message(self, msg_type: u8, satype: u8) -> Message {
        let mut m = match self.spare.extensions() {
            Some(extensions) => Message::with_extensions(msg_type, satype, extensions),
            None => Message::new(msg_type, satype),
        };
        m.header.pid = self.pid;
        m
    }

    /// The bytes of a key, copied into the message's own zeroed-on-drop buffer.
    fn key_data(self, bytes: &[u8]) -> zeroize::Zeroizing<Vec<u8>> {
        self.spare.key(bytes)
    }

    /// An error unless the target is one of `targets`; `what` names the form.
    fn require(self, targets: &[Dialect], what: &str, span: Span) -> Result<(), Diagnostic> {
        if targets.contains(&self.dialect) {
            return Ok(());
        }
        let message = match targets {
            [only] => format!("{what} exists only on {only}, not on {}", self.dialect),
            _ => format!("{what} is not supported on {}", self.dialect),
        };
        Err(Diagnostic::new(span, message))
    }

    fn satype(self, protocol: SaProtocol, span: Span) -> Result<u8, Diagnostic> {
        match protocol {
            SaProtocol::Esp | SaProtocol::EspOld => Ok(SADB_SATYPE_ESP),
            SaProtocol::Ah | SaProtocol::AhOld => Ok(SADB_SATYPE_AH),
            SaProtocol::IpComp => Ok(SADB_X_SATYPE_IPCOMP),
            // setkey's grammar lets the protocol out and sends satype 0, which every kernel
            // refuses for SA messages (NetBSD key.c key_parse, seen on the rump kernel: "must
            // specify satype when msg type=5"; FreeBSD's key.c the same; Linux af_key finds no
            // protocol for it).
            SaProtocol::Unspec => Err(Diagnostic::new(
                span,
                "no SA protocol given (esp, ah, ipcomp, tcp, esp-udp): the kernel refuses SA \
                 messages of type 0 (key_parse: must specify satype)",
            )),
            SaProtocol::EspUdp => {
                self.require(&[Dialect::NetBsd, Dialect::Linux], "esp-udp", span)
                    .map_err(|e| Diagnostic::new(e.span, format!("{} (use -natt)", e.message)))?;
                Ok(SADB_SATYPE_ESP)
            }
            SaProtocol::Tcp => {
                self.require(
                    &[Dialect::NetBsd, Dialect::FreeBsd],
                    "the tcp (TCP-MD5) SA type",
                    span,
                )?;
                Ok(SADB_X_SATYPE_TCPSIGNATURE)
            }
        }
    }
}

fn sockaddr(addr: IpAddr, port: u16) -> SockAddr {
    zoned_sockaddr(addr, port, 0)
}

fn zoned_sockaddr(addr: IpAddr, port: u16, scope_id: u32) -> SockAddr {
    match addr {
        IpAddr::V4(addr) => SockAddr::V4 { addr, port },
        IpAddr::V6(addr) => SockAddr::V6 {
            addr,
            port,
            flowinfo: 0,
            scope_id,
        },
    }
}

fn full_prefix(addr: IpAddr) -> u8 {
    if addr.is_ipv4() {
        32
    } else {
        128
    }
}

/// An SA or tunnel endpoint with its zone (an unknown interface is an error at `span`).
fn host_sockaddr(cx: Cx, host: &Host, span: Span, errors: &mut Errors) -> SockAddr {
    let scope_id = cx.scope_id(&host.zone, span, errors);
    zoned_sockaddr(host.addr, host.port.unwrap_or(0), scope_id)
}

fn address(kind: AddressKind, addr: SockAddr, proto: u8, prefixlen: u8) -> Extension {
    Extension::Address(
        kind,
        Address {
            proto,
            prefixlen,
            reserved: 0,
            addr,
        },
    )
}

/// `-4`/`-6` restrict the statement's addresses to one family; src and dst must also agree,
/// as the C setkey skips mixed pairs and fails when none is left.
#[inline]
fn check_families(
    flags: AddressFlags,
    src: (IpAddr, Span),
    dst: (IpAddr, Span),
    errors: &mut Errors,
) {
    let restricted = flags.inet4_only || flags.inet6_only;
    if restricted || src.0.is_ipv4() != dst.0.is_ipv4() {
        report_families(flags, src, dst, errors);
    }
}

#[cold]
fn report_families(
    flags: AddressFlags,
    src: (IpAddr, Span),
    dst: (IpAddr, Span),
    errors: &mut Errors,
) {
    for (addr, span) in [src, dst] {
        if flags.inet4_only && !addr.is_ipv4() {
            errors.push(span, format!("-4 allows only IPv4 addresses, got {addr}"));
        }
        if flags.inet6_only && !addr.is_ipv6() {
            errors.push(span, format!("-6 allows only IPv6 addresses, got {addr}"));
        }
    }
    if src.0.is_ipv4() != dst.0.is_ipv4() {
        errors.push(
            dst.1,
            format!(
                "source {} and destination {} are not of the same address family",
                src.0, dst.0
            ),
        );
    }
}

/// `-ctx doi alg "text"`: a Linux security context; `ctx_len` counts the NUL, as setkey sends it.
fn security_context(
    cx: Cx,
    ctx: &Option<Spanned<SecurityContext>>,
    errors: &mut Errors,
) -> Option<Extension> {
    let c = ctx.as_ref()?;
    match crate::profile::of(cx.dialect).security_context {
        Feature::Sent => {}
        Feature::Ignored => {
            cx.warn(
                c.span,
                format!(
                    "-ctx is ignored on {}: its PF_KEY has no security context extension",
                    cx.dialect
                ),
            );
            return None;
        }
        Feature::Refused(why) => {
            errors.push(c.span, format!("{why}, not on {}", cx.dialect));
            return None;
        }
    }
    let mut context = c.value.context.clone().into_bytes();
    context.push(0);
    Some(Extension::SecCtx(SecCtx {
        alg: c.value.alg,
        doi: c.value.doi,
        context,
    }))
}

/// Collects the errors of independent checks so that a statement reports all of them.
#[derive(Default)]
struct Errors(Vec<Diagnostic>);

impl Errors {
    fn check<T>(&mut self, result: Result<T, Diagnostic>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    fn push(&mut self, span: Span, message: impl Into<String>) {
        self.0.push(Diagnostic::new(span, message));
    }

    /// The value, or every error in source order.
    fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<Diagnostic>> {
        self.done().map(|()| value())
    }

    /// Nothing, or every error in source order.
    fn done(mut self) -> Result<(), Vec<Diagnostic>> {
        if self.0.is_empty() {
            Ok(())
        } else {
            self.0.sort_by_key(|d| d.span.start);
            Err(self.0)
        }
    }
}
