//! The OS-neutral typed PF_KEY v2 message: a base header and its extensions in wire order.

use std::net::{Ipv4Addr, Ipv6Addr};
use zeroize::Zeroizing;

/// `sadb_msg`: the 16-byte base header. `len` is not stored; it is computed on emit.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Header {
    pub version: u8,
    pub msg_type: u8,
    pub errno: u8,
    pub satype: u8,
    /// KAME kernels put a refcount here in replies; Linux requires 0 on input.
    pub reserved: u16,
    pub seq: u32,
    pub pid: u32,
}

/// One PF_KEY message: header plus extensions, kept in the order they appear on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Message {
    pub header: Header,
    pub extensions: Vec<Extension>,
}

/// A socket address as carried inside `sadb_address` and `sadb_x_ipsecrequest`.
/// Ports are host-order numbers here; the codec writes them in network order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum SockAddr {
    V4 {
        addr: Ipv4Addr,
        port: u16,
    },
    V6 {
        addr: Ipv6Addr,
        port: u16,
        flowinfo: u32,
        scope_id: u32,
    },
    /// A family the codec does not interpret; `data` is everything after the family field.
    Other {
        family: u16,
        data: Vec<u8>,
    },
}

/// Which role an address extension plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum AddressKind {
    Src,
    Dst,
    Proxy,
    /// NAT-T original address: BSD `NAT_T_OAI` (23), Linux `NAT_T_OA` (23).
    NatTOai,
    /// BSD only: `NAT_T_OAR` (24).
    NatTOar,
    /// FreeBSD only: `NEW_ADDRESS_SRC` (27).
    NewSrc,
    /// FreeBSD only: `NEW_ADDRESS_DST` (28).
    NewDst,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Address {
    /// Upper-layer protocol; 255 = any.
    pub proto: u8,
    pub prefixlen: u8,
    pub reserved: u16,
    pub addr: SockAddr,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum LifetimeKind {
    Current,
    Hard,
    Soft,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Lifetime {
    pub allocations: u32,
    pub bytes: u64,
    pub addtime: u64,
    pub usetime: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum KeyKind {
    Auth,
    Encrypt,
}

/// `sadb_key`. `bits` may be smaller than `data.len() * 8`; `data` is zeroed on drop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub bits: u16,
    pub reserved: u16,
    pub data: Zeroizing<Vec<u8>>,
}

/// `sadb_sa`. `spi` is a host-order value here; the codec writes it in network order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Sa {
    pub spi: u32,
    pub replay: u8,
    pub state: u8,
    pub auth: u8,
    pub encrypt: u8,
    pub flags: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum IdentityKind {
    Src,
    Dst,
}

/// `sadb_ident`; `text` is the bytes that follow the header, trailing padding NULs removed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Identity {
    pub ident_type: u16,
    pub reserved: u16,
    pub id: u64,
    pub text: Vec<u8>,
}

/// `sadb_sens` with its bitmaps (each bitmap is a list of 64-bit words).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Sensitivity {
    pub dpd: u32,
    pub sens_level: u8,
    pub integ_level: u8,
    pub reserved: u32,
    pub sens_bitmap: Vec<u64>,
    pub integ_bitmap: Vec<u64>,
}

/// `sadb_comb`: one combination of a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Combination {
    pub auth: u8,
    pub encrypt: u8,
    pub flags: u16,
    pub auth_minbits: u16,
    pub auth_maxbits: u16,
    pub encrypt_minbits: u16,
    pub encrypt_maxbits: u16,
    pub reserved: u32,
    pub soft_allocations: u32,
    pub hard_allocations: u32,
    pub soft_bytes: u64,
    pub hard_bytes: u64,
    pub soft_addtime: u64,
    pub hard_addtime: u64,
    pub soft_usetime: u64,
    pub hard_usetime: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Proposal {
    pub replay: u8,
    pub combinations: Vec<Combination>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum SupportedKind {
    Auth,
    Encrypt,
}

/// `sadb_alg`: one algorithm of a SUPPORTED extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Algorithm {
    pub id: u8,
    pub ivlen: u8,
    pub minbits: u16,
    pub maxbits: u16,
    pub reserved: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct SpiRange {
    pub min: u32,
    pub max: u32,
    pub reserved: u32,
}

/// `sadb_x_sa2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Sa2 {
    pub mode: u8,
    pub reserved1: u8,
    pub reserved2: u16,
    pub sequence: u32,
    pub reqid: u32,
}

/// `sadb_x_ipsecrequest`. BSD carries a 16-bit reqid, Linux a 32-bit one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct IpsecRequest {
    /// IPPROTO_ESP 50, IPPROTO_AH 51, IPPROTO_IPCOMP 108, (FreeBSD) IPPROTO_TCP 6.
    pub proto: u16,
    pub mode: u8,
    pub level: u8,
    pub reqid: u32,
    /// Tunnel endpoints (src, dst) when given.
    pub endpoints: Option<(SockAddr, SockAddr)>,
}

/// `sadb_x_policy` and its requests.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Policy {
    pub policy_type: u16,
    pub dir: u8,
    /// Byte 7: FreeBSD scope, NetBSD flags, Linux reserved.
    pub scope: u8,
    pub id: u32,
    /// Bytes 12..15: FreeBSD/Linux priority (FreeBSD ifindex for ifnet scope), NetBSD reserved.
    pub priority: u32,
    pub requests: Vec<IpsecRequest>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum NatTPortKind {
    Src,
    Dst,
}

/// Linux `sadb_x_sec_ctx`; `context` holds `ctx_len` bytes (setkey includes the NUL).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct SecCtx {
    pub alg: u8,
    pub doi: u8,
    pub context: Vec<u8>,
}

/// Linux `sadb_x_filter` for SADB_DUMP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Filter {
    pub saddr: [u32; 4],
    pub daddr: [u32; 4],
    pub family: u16,
    pub splen: u8,
    pub dplen: u8,
}

/// FreeBSD 15 `sadb_x_if_hw_offl`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct IfHwOffload {
    pub flags: u32,
    pub ifname: String,
}

/// One extension. The numeric type of each variant depends on the dialect
/// (see `dialect.rs`); `Unknown` keeps an extension the codec does not know, verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub enum Extension {
    Sa(Sa),
    Lifetime(LifetimeKind, Lifetime),
    Address(AddressKind, Address),
    Key(KeyKind, Key),
    Identity(IdentityKind, Identity),
    Sensitivity(Sensitivity),
    Proposal(Proposal),
    Supported(SupportedKind, Vec<Algorithm>),
    SpiRange(SpiRange),
    KmPrivate {
        reserved: u32,
    },
    Policy(Policy),
    Sa2(Sa2),
    NatTType {
        nat_type: u8,
        reserved: [u8; 3],
    },
    NatTPort(NatTPortKind, u16),
    /// BSD only.
    NatTFrag {
        fraglen: u16,
        reserved: u16,
    },
    /// FreeBSD only: replay window in packets.
    SaReplay {
        replay: u32,
    },
    /// Linux only.
    SecCtx(SecCtx),
    /// Linux only: `sadb_x_kmaddress` with its two sockaddrs.
    KmAddress {
        reserved: u32,
        local: SockAddr,
        remote: SockAddr,
    },
    /// Linux only.
    Filter(Filter),
    /// FreeBSD 15 only.
    IfHwOffload(IfHwOffload),
    /// An extension type this dialect does not define or the codec does not decode;
    /// `body` is everything after the 4-byte `sadb_ext` header, padding included.
    Unknown {
        ext_type: u16,
        body: Vec<u8>,
    },
}

/// Room for the extensions of an ADD or SPDADD, reserved at once.
const USUAL_EXTENSIONS: usize = 8;

impl Message {
    pub fn new(msg_type: u8, satype: u8) -> Self {
        Message::with_extensions(msg_type, satype, Vec::with_capacity(USUAL_EXTENSIONS))
    }

    /// A message whose extensions go in `extensions` (cleared first): a list reused from one
    /// message to the next is allocated once.
    pub fn with_extensions(msg_type: u8, satype: u8, mut extensions: Vec<Extension>) -> Self {
        extensions.clear();
        Message {
            header: Header {
                version: crate::pfkey::consts::PF_KEY_V2,
                msg_type,
                satype,
                ..Header::default()
            },
            extensions,
        }
    }
}

impl Extension {
    /// Whether dropping this extension frees memory. When it does not, the extension can be
    /// forgotten instead of dropped, which saves testing its variant a second time.
    #[inline]
    pub fn owns_memory(&self) -> bool {
        const _: () = assert!(
            !std::mem::needs_drop::<Sa>()
                && !std::mem::needs_drop::<Sa2>()
                && !std::mem::needs_drop::<Lifetime>()
        );
        match self {
            Extension::Sa(_) | Extension::Sa2(_) | Extension::Lifetime(..) => false,
            Extension::SaReplay { replay: _ } => false,
            Extension::Address(
                _,
                Address {
                    proto: _,
                    prefixlen: _,
                    reserved: _,
                    addr,
                },
            ) => addr.owns_memory(),
            _ => true,
        }
    }
}

impl SockAddr {
    /// Whether dropping this address frees memory (the fields are listed so that a new one
    /// must be considered here).
    #[inline]
    pub fn owns_memory(&self) -> bool {
        match self {
            SockAddr::V4 { addr: _, port: _ } => false,
            SockAddr::V6 {
                addr: _,
                port: _,
                flowinfo: _,
                scope_id: _,
            } => false,
            SockAddr::Other { .. } => true,
        }
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for Key {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Key {
            bits: u.arbitrary()?,
            reserved: u.arbitrary()?,
            data: Zeroizing::new(u.arbitrary()?),
        })
    }
}
