//! Typed, validated setkey statements: what the parser produces and the compiler consumes.

use std::net::IpAddr;
use zeroize::Zeroizing;

/// A byte range in the source text; `diag` turns it into line:column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// One statement (up to and including its `;`) and where it stands in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub kind: StatementKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatementKind {
    Add(SaStatement),
    /// `update` (Linux ipsec-tools builds; same shape as `add`).
    Update(SaStatement),
    Get(SaStatement),
    Delete(SaStatement),
    /// `getspi` (NetBSD/ipsec-tools).
    GetSpi(SaStatement),
    DeleteAll(DeleteAll),
    Flush(Option<Spanned<SaProtocol>>),
    Dump(Option<Spanned<SaProtocol>>),
    SpdAdd(SpdStatement),
    /// NetBSD/ipsec-tools only.
    SpdUpdate(SpdStatement),
    SpdDelete(SpdStatement),
    /// `spdadd tagged "name" policy;`
    SpdAddTagged {
        tag: Spanned<String>,
        policy: Spanned<PolicySpec>,
    },
    SpdFlush,
    SpdDump,
    /// `exit`, `quit`, `bye`: end of input in `-c` mode.
    Exit,
}

/// The `-4`, `-6`, `-n` switches before the addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AddressFlags {
    pub inet4_only: bool,
    pub inet6_only: bool,
    pub numeric: bool,
}

/// An SA endpoint: `addr` or (NetBSD/ipsec-tools) `addr[port]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Host {
    pub addr: IpAddr,
    pub port: Option<u16>,
    /// The IPv6 zone after `%`.
    pub zone: Option<Zone>,
}

/// An IPv6 zone (`fe80::1%2`, `fe80::1%em0`): the interface whose link the address is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    Index(u32),
    /// Looked up with if_nametoindex(3) when compiling.
    Interface(InterfaceName),
}

/// An interface name of at most 15 bytes (IFNAMSIZ with its NUL), kept inline.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct InterfaceName {
    bytes: [u8; 15],
    len: u8,
}

impl InterfaceName {
    pub fn new(name: &str) -> Option<InterfaceName> {
        let mut bytes = [0; 15];
        bytes
            .get_mut(..name.len())?
            .copy_from_slice(name.as_bytes());
        Some(InterfaceName {
            bytes,
            len: name.len() as u8,
        })
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }
}

impl std::fmt::Debug for InterfaceName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaProtocol {
    Esp,
    EspOld,
    Ah,
    AhOld,
    IpComp,
    /// TCP-MD5 signatures (BSD).
    Tcp,
    /// ESP in UDP (NAT-T), NetBSD/ipsec-tools; optional NAT original address.
    EspUdp,
    /// No protocol given: SADB_SATYPE_UNSPEC, which the BSD kernels read as any protocol.
    Unspec,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Any,
    Transport,
    Tunnel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PadOption {
    ZeroPad,
    RandomPad,
    SeqPad,
}

/// `add`/`get`/`delete`/`getspi`/`update`: `src dst proto spi [options] [algorithms]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaStatement {
    pub flags: AddressFlags,
    pub src: Spanned<Host>,
    pub dst: Spanned<Host>,
    pub protocol: Spanned<SaProtocol>,
    /// NAT-T original address after `esp-udp`.
    pub esp_udp_oa: Option<Spanned<IpAddr>>,
    pub spi: Spanned<u32>,
    pub options: SaOptions,
    pub algorithms: Algorithms,
    /// Further source and destination pairs when a host name has several addresses: the
    /// statement is sent once for each (setkey's setkeymsg_add loops over them).
    pub other_pairs: Vec<(Spanned<Host>, Spanned<Host>)>,
}

/// SA extension options; each keeps its span for target-dependent errors. Last one wins.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SaOptions {
    pub mode: Option<Spanned<Mode>>,
    pub reqid: Option<Spanned<u32>>,
    /// `-r N`: replay window in bytes (window = 8N packets).
    pub replay: Option<Spanned<u32>>,
    /// `-f zero-pad|random-pad|seq-pad`, each given: setkey ORs their flags together.
    pub pads: Vec<Spanned<PadOption>>,
    /// `-f nocyclic-seq`.
    pub nocyclic_seq: Option<Span>,
    pub lifetime_hard_secs: Option<Spanned<u64>>,
    pub lifetime_soft_secs: Option<Spanned<u64>>,
    pub lifetime_hard_bytes: Option<Spanned<u64>>,
    pub lifetime_soft_bytes: Option<Spanned<u64>>,
    pub ctx: Option<Spanned<SecurityContext>>,
    /// FreeBSD `-natt oai [sport] oar [dport]`.
    pub natt: Option<Spanned<NatTraversal>>,
    /// FreeBSD `-natt_mtu N`.
    pub natt_mtu: Option<Spanned<u16>>,
    /// FreeBSD `-esn`.
    pub esn: Option<Span>,
    /// FreeBSD 15 `-hwif ifname`.
    pub hwif: Option<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityContext {
    pub doi: u8,
    pub alg: u8,
    pub context: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NatTraversal {
    pub oai: IpAddr,
    pub sport: Option<u16>,
    pub oar: IpAddr,
    pub dport: Option<u16>,
}

/// Key material from `0x...` or `"..."`; zeroed on drop. Keys of up to `INLINE_KEY_LEN`
/// bytes (those of the usual algorithms) are kept inline, longer ones on the heap.
#[derive(Clone)]
pub struct KeyBytes(KeyStore);

/// The longest key kept inline: 256 bits (aes-256, hmac-sha256).
const INLINE_KEY_LEN: usize = 32;

#[derive(Clone)]
enum KeyStore {
    Inline {
        bytes: Zeroizing<[u8; INLINE_KEY_LEN]>,
        len: u8,
    },
    Heap(Zeroizing<Vec<u8>>),
}

impl KeyBytes {
    pub fn new(bytes: Vec<u8>) -> Self {
        let mut key = KeyBytes::zeroed(bytes.len());
        key.as_mut_slice().copy_from_slice(&bytes);
        drop(Zeroizing::new(bytes));
        key
    }

    /// A key of `len` zero bytes, to be filled through `as_mut_slice`.
    pub fn zeroed(len: usize) -> Self {
        KeyBytes(match u8::try_from(len) {
            Ok(short) if len <= INLINE_KEY_LEN => KeyStore::Inline {
                bytes: Zeroizing::new([0; INLINE_KEY_LEN]),
                len: short,
            },
            _ => KeyStore::Heap(Zeroizing::new(vec![0; len])),
        })
    }

    pub fn as_slice(&self) -> &[u8] {
        match &self.0 {
            KeyStore::Inline { bytes, len } => &bytes[..usize::from(*len)],
            KeyStore::Heap(bytes) => bytes,
        }
    }

    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        match &mut self.0 {
            KeyStore::Inline { bytes, len } => &mut bytes[..usize::from(*len)],
            KeyStore::Heap(bytes) => bytes,
        }
    }
}

impl PartialEq for KeyBytes {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for KeyBytes {}

impl std::fmt::Debug for KeyBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("KeyBytes").field(&self.as_slice()).finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncryptAlgorithm {
    DesCbc,
    TripleDesCbc,
    Null,
    Simple,
    BlowfishCbc,
    Cast128Cbc,
    DesDeriv,
    Des32Iv,
    TwofishCbc,
    AesCbc,
    RijndaelCbc,
    AesCtr,
    CamelliaCbc,
    AesGcm16,
    AesGmac,
    Chacha20Poly1305,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthAlgorithm {
    HmacMd5,
    HmacSha1,
    KeyedMd5,
    KeyedSha1,
    /// `hmac-sha2-256` or `hmac-sha256`.
    HmacSha256,
    HmacSha384,
    HmacSha512,
    HmacRipemd160,
    AesXcbcMac,
    TcpMd5,
    Null,
    Chacha20Poly1305,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompressAlgorithm {
    Oui,
    Deflate,
    Lzs,
}

/// `-E`, `-A`, `-C` with their keys. A key is `None` where the algorithm takes none
/// (e.g. `-E null` on ipsec-tools).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Algorithms {
    pub encrypt: Option<(Spanned<EncryptAlgorithm>, Option<Spanned<KeyBytes>>)>,
    pub auth: Option<(Spanned<AuthAlgorithm>, Option<Spanned<KeyBytes>>)>,
    pub compress: Option<Spanned<CompressAlgorithm>>,
    /// `-R`: use the SPI as the CPI on the wire.
    pub raw_cpi: Option<Span>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteAll {
    pub flags: AddressFlags,
    pub src: Spanned<Host>,
    pub dst: Spanned<Host>,
    pub protocol: Spanned<SaProtocol>,
    /// As `SaStatement::other_pairs`.
    pub other_pairs: Vec<(Spanned<Host>, Spanned<Host>)>,
}

/// Port of a selector: `[any]` or `[N]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Port {
    Any,
    Number(u16),
}

/// `address[/prefixlen][[port]]` of an SPD selector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selector {
    pub addr: IpAddr,
    pub prefixlen: Option<u8>,
    pub port: Option<Port>,
    /// The IPv6 zone after `%`.
    pub zone: Option<Zone>,
}

/// The upper-layer protocol of an SPD selector: `any` or an IP protocol number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpperProtocol {
    Any,
    Number(u8),
}

/// The optional word after the upper-layer protocol: ICMP `type[,code]` or a GRE key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpperMisc {
    IcmpType { icmp_type: u16, code: Option<u16> },
    GreKey(u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpdStatement {
    pub flags: AddressFlags,
    pub src: Spanned<Selector>,
    pub dst: Spanned<Selector>,
    pub upper: Spanned<UpperProtocol>,
    pub misc: Option<Spanned<UpperMisc>>,
    pub ctx: Option<Spanned<SecurityContext>>,
    pub policy: Spanned<PolicySpec>,
    /// FreeBSD `-hwif ifname` after the policy.
    pub hwif: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    In,
    Out,
    /// Linux only.
    Fwd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyAction {
    Discard,
    None,
    Ipsec,
    Entrust,
    Bypass,
}

/// `prio`/`priority` clause (ipsec-tools on Linux).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// `prio N` / `prio -N`: offset from `def` (value = def - N).
    Offset(i64),
    /// `prio low|def|high [(+|-) N]`; the offset keeps the sign as written.
    Base(PriorityBase, i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriorityBase {
    Low,
    Def,
    High,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpsecProtocol {
    Esp,
    Ah,
    IpComp,
    /// FreeBSD only.
    Tcp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Default,
    Use,
    Require,
    /// `unique` or `unique:N` (N = manual reqid).
    Unique(Option<u32>),
}

/// Tunnel endpoints of a request: `src-dst`, ports only with ipsec-tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestEndpoints {
    pub src: Host,
    pub dst: Host,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpsecRequestSpec {
    pub proto: IpsecProtocol,
    pub mode: Mode,
    pub endpoints: Option<RequestEndpoints>,
    pub level: Level,
    pub span: Span,
}

/// The text after `-P`: direction, optional priority, action and requests.
/// `action` is `None` for a bare direction (`-P out;`), which the kernel reads as discard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySpec {
    pub dir: Direction,
    pub priority: Option<Spanned<Priority>>,
    pub action: Option<PolicyAction>,
    pub requests: Requests,
}

impl PolicySpec {
    /// A bare direction (`-P out;`).
    pub fn bare(dir: Direction) -> Self {
        PolicySpec {
            dir,
            priority: None,
            action: None,
            requests: Requests::new(),
        }
    }
}

/// A policy's requests: the usual one or two are kept in the statement, without a heap
/// allocation of their own (an SPD statement is smaller than an SA one, so this costs no room).
pub type Requests = smallvec::SmallVec<[IpsecRequestSpec; 2]>;
