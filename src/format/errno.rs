//! What a kernel's errno numbers read as in the words of the target system's strerror(3),
//! for the `The result of line N: ...` lines: a NetBSD kernel's numbers are NetBSD's, whatever
//! system prints them (ENOBUFS is 55 there, 105 on Linux).

use crate::pfkey::Dialect;

/// NetBSD's errno values and strerror(3) texts (sys/errno.h, as the rump kernel's
/// rumperr.h lists them).
pub const NETBSD: &[(u8, &str)] = &[
    (1, "Operation not permitted"),                          // EPERM
    (2, "No such file or directory"),                        // ENOENT
    (3, "No such process"),                                  // ESRCH
    (4, "Interrupted system call"),                          // EINTR
    (5, "Input/output error"),                               // EIO
    (6, "Device not configured"),                            // ENXIO
    (7, "Argument list too long"),                           // E2BIG
    (8, "Exec format error"),                                // ENOEXEC
    (9, "Bad file descriptor"),                              // EBADF
    (10, "No child processes"),                              // ECHILD
    (11, "Resource deadlock avoided"),                       // EDEADLK
    (12, "Cannot allocate memory"),                          // ENOMEM
    (13, "Permission denied"),                               // EACCES
    (14, "Bad address"),                                     // EFAULT
    (15, "Block device required"),                           // ENOTBLK
    (16, "Device busy"),                                     // EBUSY
    (17, "File exists"),                                     // EEXIST
    (18, "Cross-device link"),                               // EXDEV
    (19, "Operation not supported by device"),               // ENODEV
    (20, "Not a directory"),                                 // ENOTDIR
    (21, "Is a directory"),                                  // EISDIR
    (22, "Invalid argument"),                                // EINVAL
    (23, "Too many open files in system"),                   // ENFILE
    (24, "Too many open files"),                             // EMFILE
    (25, "Inappropriate ioctl for device"),                  // ENOTTY
    (26, "Text file busy"),                                  // ETXTBSY
    (27, "File too large"),                                  // EFBIG
    (28, "No space left on device"),                         // ENOSPC
    (29, "Illegal seek"),                                    // ESPIPE
    (30, "Read-only file system"),                           // EROFS
    (31, "Too many links"),                                  // EMLINK
    (32, "Broken pipe"),                                     // EPIPE
    (33, "Numerical argument out of domain"),                // EDOM
    (34, "Result too large or too small"),                   // ERANGE
    (35, "Resource temporarily unavailable"),                // EAGAIN
    (36, "Operation now in progress"),                       // EINPROGRESS
    (37, "Operation already in progress"),                   // EALREADY
    (38, "Socket operation on non-socket"),                  // ENOTSOCK
    (39, "Destination address required"),                    // EDESTADDRREQ
    (40, "Message too long"),                                // EMSGSIZE
    (41, "Protocol wrong type for socket"),                  // EPROTOTYPE
    (42, "Protocol option not available"),                   // ENOPROTOOPT
    (43, "Protocol not supported"),                          // EPROTONOSUPPORT
    (44, "Socket type not supported"),                       // ESOCKTNOSUPPORT
    (45, "Operation not supported"),                         // EOPNOTSUPP
    (46, "Protocol family not supported"),                   // EPFNOSUPPORT
    (47, "Address family not supported by protocol family"), // EAFNOSUPPORT
    (48, "Address already in use"),                          // EADDRINUSE
    (49, "Can't assign requested address"),                  // EADDRNOTAVAIL
    (50, "Network is down"),                                 // ENETDOWN
    (51, "Network is unreachable"),                          // ENETUNREACH
    (52, "Network dropped connection on reset"),             // ENETRESET
    (53, "Software caused connection abort"),                // ECONNABORTED
    (54, "Connection reset by peer"),                        // ECONNRESET
    (55, "No buffer space available"),                       // ENOBUFS
    (56, "Socket is already connected"),                     // EISCONN
    (57, "Socket is not connected"),                         // ENOTCONN
    (58, "Can't send after socket shutdown"),                // ESHUTDOWN
    (59, "Too many references: can't splice"),               // ETOOMANYREFS
    (60, "Operation timed out"),                             // ETIMEDOUT
    (61, "Connection refused"),                              // ECONNREFUSED
    (62, "Too many levels of symbolic links"),               // ELOOP
    (63, "File name too long"),                              // ENAMETOOLONG
    (64, "Host is down"),                                    // EHOSTDOWN
    (65, "No route to host"),                                // EHOSTUNREACH
    (66, "Directory not empty"),                             // ENOTEMPTY
    (67, "Too many processes"),                              // EPROCLIM
    (68, "Too many users"),                                  // EUSERS
    (69, "Disc quota exceeded"),                             // EDQUOT
    (70, "Stale NFS file handle"),                           // ESTALE
    (71, "Too many levels of remote in path"),               // EREMOTE
    (72, "RPC struct is bad"),                               // EBADRPC
    (73, "RPC version wrong"),                               // ERPCMISMATCH
    (74, "RPC prog. not avail"),                             // EPROGUNAVAIL
    (75, "Program version wrong"),                           // EPROGMISMATCH
    (76, "Bad procedure for program"),                       // EPROCUNAVAIL
    (77, "No locks available"),                              // ENOLCK
    (78, "Function not implemented"),                        // ENOSYS
    (79, "Inappropriate file type or format"),               // EFTYPE
    (80, "Authentication error"),                            // EAUTH
    (81, "Need authenticator"),                              // ENEEDAUTH
    (82, "Identifier removed"),                              // EIDRM
    (83, "No message of desired type"),                      // ENOMSG
    (84, "Value too large to be stored in data type"),       // EOVERFLOW
    (85, "Illegal byte sequence"),                           // EILSEQ
    (86, "Not supported"),                                   // ENOTSUP
    (87, "Operation canceled"),                              // ECANCELED
    (88, "Bad or Corrupt message"),                          // EBADMSG
    (89, "No message available"),                            // ENODATA
    (90, "No STREAM resources"),                             // ENOSR
    (91, "Not a STREAM"),                                    // ENOSTR
    (92, "STREAM ioctl timeout"),                            // ETIME
    (93, "Attribute not found"),                             // ENOATTR
    (94, "Multihop attempted"),                              // EMULTIHOP
    (95, "Link has been severed"),                           // ENOLINK
    (96, "Protocol error"),                                  // EPROTO
];

/// The text of `errno` as the target's C library prints it; `None` where the host's own
/// strerror(3) is the right one (the profile has no table: FreeBSD and Linux on their hosts).
pub fn text(dialect: Dialect, errno: u8) -> Option<String> {
    let table = super::profile::of(dialect).errno_texts?;
    Some(match table.iter().find(|(n, _)| *n == errno) {
        Some((_, text)) => (*text).to_string(),
        None => format!("Unknown error: {errno}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn netbsd_numbers_read_as_netbsd_words() {
        assert_eq!(
            text(Dialect::NetBsd, 22).as_deref(),
            Some("Invalid argument")
        );
        assert_eq!(
            text(Dialect::NetBsd, 55).as_deref(),
            Some("No buffer space available")
        );
        assert_eq!(text(Dialect::NetBsd, 16).as_deref(), Some("Device busy"));
        assert_eq!(
            text(Dialect::NetBsd, 250).as_deref(),
            Some("Unknown error: 250")
        );
        assert_eq!(text(Dialect::Linux, 55), None);
    }
}
