/*
 * LD_PRELOAD library: gives an unmodified Linux program a NetBSD kernel's PF_KEY.
 *
 * socket(PF_KEY, SOCK_RAW, PF_KEY_V2) (Linux's PF_KEY, 15) opens a PF_KEY socket in the rump
 * kernel named by $RUMP_SERVER instead, and returns a host descriptor standing for it (an
 * open /dev/null, so that the number is the program's own and cannot collide). Every later
 * call on that descriptor that setkey's socket layer makes (send, sendto, write, recv,
 * recvfrom, sendmmsg, recvmmsg, read, poll, setsockopt with SO_RCVTIMEO, getsockopt, fcntl,
 * close) is forwarded to the rump socket, with Linux's constants translated to NetBSD's
 * and NetBSD's errno values back to Linux's. Calls on any other descriptor go to libc
 * untouched. The message bytes pass unchanged: the program must speak NetBSD's PF_KEY
 * (sockaddrs with sa_len, AF_INET6 = 24).
 *
 * SETKEY_RUMP_LINUX_ABI=1 is for a program built for Linux's PF_KEY (the C setkey of
 * ipsec-tools): each message it sends is rewritten to NetBSD's layout and each one it
 * receives back to Linux's. The sockaddrs of the address extensions (SRC, DST, PROXY, the
 * NAT-T original addresses) and of the policy's tunnel endpoints get NetBSD's sa_len byte
 * and family (AF_INET6 10 <-> 24), and each sadb_x_ipsecrequest its header: 16 bytes with a
 * 32-bit reqid on Linux, 8 bytes with a 16-bit reqid on NetBSD (so a policy message
 * changes length), and the policy id is multiplied by 8 on the way to the program (divided
 * on the way back), since setkey built for Linux shows a policy whose id has 3 or more in
 * its low 3 bits as a per-socket one, without its addresses. Everything else keeps its
 * bytes. A malformed length ends the rewrite; the rest passes unchanged.
 *
 * SETKEY_RUMP_TRACE=1 writes one line per forwarded call to stderr.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "rumpsys.h"

#define LINUX_PF_KEY 15
#define MAX_FDS 4096

/* rump descriptor + 1 for each host descriptor standing for a rump socket; 0: not ours. */
static int rump_fd_of[MAX_FDS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int client_state; /* 0: not connected yet, 1: connected, -1: failed */
static int trace = -1;

static int (*real_socket)(int, int, int);
static int (*real_close)(int);
static int (*real_open)(const char *, int, ...);
static int (*real_poll)(struct pollfd *, nfds_t, int);
static int (*real_fcntl)(int, int, ...);
static ssize_t (*real_send)(int, const void *, size_t, int);
static ssize_t (*real_sendto)(int, const void *, size_t, int, const struct sockaddr *,
                              socklen_t);
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_recv)(int, void *, size_t, int);
static ssize_t (*real_recvfrom)(int, void *, size_t, int, struct sockaddr *, socklen_t *);
static ssize_t (*real_read)(int, void *, size_t);
static int (*real_setsockopt)(int, int, int, const void *, socklen_t);
static int (*real_getsockopt)(int, int, int, void *, socklen_t *);
static int (*real_sendmmsg)(int, struct mmsghdr *, unsigned int, int);
static int (*real_recvmmsg)(int, struct mmsghdr *, unsigned int, int, struct timespec *);

#define RESOLVE(name)                                                                      \
    do {                                                                                   \
        if (real_##name == NULL)                                                           \
            real_##name = dlsym(RTLD_NEXT, #name);                                         \
    } while (0)

static void resolve_all(void)
{
    RESOLVE(socket);
    RESOLVE(close);
    RESOLVE(open);
    RESOLVE(poll);
    RESOLVE(fcntl);
    RESOLVE(send);
    RESOLVE(sendto);
    RESOLVE(write);
    RESOLVE(recv);
    RESOLVE(recvfrom);
    RESOLVE(read);
    RESOLVE(setsockopt);
    RESOLVE(getsockopt);
    RESOLVE(sendmmsg);
    RESOLVE(recvmmsg);
}

static void say(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > 0) {
        resolve_all();
        real_write(2, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    }
}

static int tracing(void)
{
    if (trace < 0) {
        const char *t = getenv("SETKEY_RUMP_TRACE");
        trace = t != NULL && strcmp(t, "1") == 0;
    }
    return trace;
}

/* The rump descriptor a host descriptor stands for, or -1. */
static int rump_fd(int fd)
{
    if (fd < 0 || fd >= MAX_FDS)
        return -1;
    return __atomic_load_n(&rump_fd_of[fd], __ATOMIC_ACQUIRE) - 1;
}

/* A failed rump call: NetBSD's errno in `errno` becomes the host's. */
static int fail_from_rump(void)
{
    errno = rump_errno2host(errno);
    return -1;
}

static int fail(int host_errno)
{
    errno = host_errno;
    return -1;
}

static int connect_client(void)
{
    pthread_mutex_lock(&lock);
    if (client_state == 0) {
        if (getenv("RUMP_SERVER") == NULL) {
            say("pfkey-rump: RUMP_SERVER is not set\n");
            client_state = -1;
        } else if (rumpclient_init() == -1) {
            say("pfkey-rump: cannot reach the rump kernel at %s: %s\n", getenv("RUMP_SERVER"),
                strerror(errno));
            client_state = -1;
        } else {
            client_state = 1;
        }
    }
    pthread_mutex_unlock(&lock);
    return client_state == 1;
}

/* Linux send/recv flags to NetBSD's; -1 when a flag has no NetBSD counterpart. */
static int msg_flags(int flags)
{
    static const struct {
        int linux_flag, netbsd_flag;
    } map[] = {
        {MSG_OOB, RUMP_MSG_OOB},           {MSG_PEEK, RUMP_MSG_PEEK},
        {MSG_DONTROUTE, RUMP_MSG_DONTROUTE}, {MSG_EOR, RUMP_MSG_EOR},
        {MSG_TRUNC, RUMP_MSG_TRUNC},       {MSG_WAITALL, RUMP_MSG_WAITALL},
        {MSG_DONTWAIT, RUMP_MSG_DONTWAIT}, {MSG_NOSIGNAL, RUMP_MSG_NOSIGNAL},
    };
    int out = 0;
    size_t i;

    for (i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (flags & map[i].linux_flag) {
            out |= map[i].netbsd_flag;
            flags &= ~map[i].linux_flag;
        }
    }
    return flags == 0 ? out : -1;
}

/* A Linux SOL_SOCKET option to NetBSD's; -1 when NetBSD has none (SO_RCVBUFFORCE). */
static int socket_option(int name)
{
    switch (name) {
    case SO_SNDBUF:
        return RUMP_SO_SNDBUF;
    case SO_RCVBUF:
        return RUMP_SO_RCVBUF;
    case SO_SNDLOWAT:
        return RUMP_SO_SNDLOWAT;
    case SO_RCVLOWAT:
        return RUMP_SO_RCVLOWAT;
    case SO_TYPE:
        return RUMP_SO_TYPE;
    case SO_ERROR:
        return RUMP_SO_ERROR;
    case SO_RCVTIMEO:
        return RUMP_SO_RCVTIMEO;
    case SO_SNDTIMEO:
        return RUMP_SO_SNDTIMEO;
    default:
        return -1;
    }
}

/*
 * SETKEY_RUMP_LINUX_ABI=1: Linux's PF_KEY layout (linux/pfkeyv2.h) <-> NetBSD's
 * (net/pfkeyv2.h). Both keep the fields in host byte order; the sizes of the base header
 * (16), sadb_address (8), sadb_x_policy (16), sockaddr_in (16) and sockaddr_in6 (28) are the
 * same; sadb_x_ipsecrequest is not (Linux 16 bytes: len, proto, mode, level, reserved1,
 * reqid32, reserved2; NetBSD 8 bytes: len, proto, mode, level, reqid16; len in bytes on both).
 */
#define PFKEY_MSG_HDR 16
#define PFKEY_ADDRESS_HDR 8
#define PFKEY_POLICY_HDR 16
#define LINUX_ISR_HDR 16
#define NETBSD_ISR_HDR 8
#define SADB_X_PROMISC 11
#define SADB_EXT_ADDRESS_SRC 5
#define SADB_EXT_ADDRESS_DST 6
#define SADB_EXT_ADDRESS_PROXY 7
#define SADB_X_EXT_POLICY 18
#define SADB_X_EXT_NAT_T_OA 23  /* Linux's NAT_T_OA, NetBSD's NAT_T_OAI */
#define SADB_X_EXT_NAT_T_OAR 24 /* NetBSD only (Linux's 24 is SEC_CTX) */
/* The largest datagram: sadb_msg_len is 16 bits of 8-byte units (+ the promiscuous header). */
#define PFKEY_MAX (0xffff * 8 + PFKEY_MSG_HDR)

static int linux_abi = -1;

static int linux_layout(void)
{
    if (linux_abi < 0) {
        const char *t = getenv("SETKEY_RUMP_LINUX_ABI");
        linux_abi = t != NULL && strcmp(t, "1") == 0;
    }
    return linux_abi;
}

static unsigned get16(const unsigned char *p)
{
    uint16_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static void put16(unsigned char *p, unsigned v)
{
    uint16_t x = (uint16_t)v;
    memcpy(p, &x, sizeof x);
}

static uint32_t get32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static void put32(unsigned char *p, uint32_t v)
{
    memcpy(p, &v, sizeof v);
}

/*
 * Rewrites the sockaddr at `sa` (at most `room` bytes) in place, Linux's to NetBSD's or back;
 * its length, or 0 when it is no IPv4 or IPv6 sockaddr that fits (left unchanged).
 */
static size_t convert_sockaddr(unsigned char *sa, size_t room, int to_netbsd)
{
    size_t n;

    if (room < 2)
        return 0;
    if (to_netbsd) {
        unsigned family = get16(sa);
        n = family == AF_INET ? 16 : family == AF_INET6 ? 28 : 0;
        if (n == 0 || n > room)
            return 0;
        sa[0] = (unsigned char)n;
        sa[1] = family == AF_INET ? RUMP_AF_INET : RUMP_AF_INET6;
    } else {
        n = sa[1] == RUMP_AF_INET ? 16 : sa[1] == RUMP_AF_INET6 ? 28 : 0;
        if (n == 0 || sa[0] != n || n > room)
            return 0;
        put16(sa, sa[1] == RUMP_AF_INET ? AF_INET : AF_INET6);
    }
    return n;
}

/* An extension made of a sadb_address and one sockaddr, in the sender's numbering. */
static int address_extension(unsigned type, int to_netbsd)
{
    return type == SADB_EXT_ADDRESS_SRC || type == SADB_EXT_ADDRESS_DST ||
           type == SADB_EXT_ADDRESS_PROXY || type == SADB_X_EXT_NAT_T_OA ||
           (!to_netbsd && type == SADB_X_EXT_NAT_T_OAR);
}

/*
 * The sadb_x_policy extension `in` (`len` bytes, at least its header) rewritten into `out`:
 * its id scaled, each sadb_x_ipsecrequest with the other header and its tunnel endpoints
 * (two sockaddrs back to back) converted. The bytes written, or 0 for a reqid NetBSD cannot
 * carry.
 */
static size_t convert_policy(const unsigned char *in, size_t len, unsigned char *out,
                             int to_netbsd)
{
    size_t hin = to_netbsd ? LINUX_ISR_HDR : NETBSD_ISR_HDR;
    size_t hout = to_netbsd ? NETBSD_ISR_HDR : LINUX_ISR_HDR;
    size_t p = PFKEY_POLICY_HDR, o = PFKEY_POLICY_HDR;
    uint32_t id;

    memcpy(out, in, PFKEY_POLICY_HDR);
    /* The policy id, scaled by 8 for Linux: setkey built for Linux takes an id whose low 3
     * bits are 3 or more for a per-socket policy (Linux keeps the direction there). */
    id = get32(in + 8);
    if (to_netbsd && id % 8 == 0)
        id /= 8;
    else if (!to_netbsd && id <= UINT32_MAX / 8)
        id *= 8;
    put32(out + 8, id);
    while (len - p >= hin) {
        size_t rlen = get16(in + p), body, first;

        if (rlen < hin || rlen > len - p)
            break;
        body = rlen - hin;
        memset(out + o, 0, hout);
        put16(out + o, (unsigned)(body + hout));
        put16(out + o + 2, get16(in + p + 2)); /* proto */
        out[o + 4] = in[p + 4];                /* mode */
        out[o + 5] = in[p + 5];                /* level */
        if (to_netbsd) {
            uint32_t reqid = get32(in + p + 8);
            if (reqid > 0xffff)
                return 0;
            put16(out + o + 6, reqid);
        } else {
            put32(out + o + 8, get16(in + p + 6));
        }
        memcpy(out + o + hout, in + p + hin, body);
        first = convert_sockaddr(out + o + hout, body, to_netbsd);
        if (first > 0)
            convert_sockaddr(out + o + hout + first, body - first, to_netbsd);
        p += rlen;
        o += hout + body;
    }
    memcpy(out + o, in + p, len - p);
    o += len - p;
    put16(out, (unsigned)(o / 8));
    return o;
}

/*
 * The PF_KEY message `in` (`n` bytes) rewritten into `out` (room for 2 n + 16 bytes: a
 * request grows from 8 to 16 bytes at most), Linux's layout to NetBSD's or back. Its
 * length, or -1 when it cannot be carried (a reqid above 16 bits, a length beyond 16 bits).
 * A promiscuous copy (SADB_X_PROMISC with a message after its header) has that message
 * rewritten; the wrapper's sadb_msg_len changes by as much.
 */
static ssize_t convert_message(const unsigned char *in, size_t n, unsigned char *out,
                               int to_netbsd, int nested)
{
    size_t units, limit, off = PFKEY_MSG_HDR, o = PFKEY_MSG_HDR;
    long grown;

    if (n < PFKEY_MSG_HDR) {
        memcpy(out, in, n);
        return (ssize_t)n;
    }
    memcpy(out, in, PFKEY_MSG_HDR);
    units = get16(in + 4);
    if (in[1] == SADB_X_PROMISC && !nested && n >= 2 * PFKEY_MSG_HDR) {
        ssize_t inner = convert_message(in + PFKEY_MSG_HDR, n - PFKEY_MSG_HDR,
                                        out + PFKEY_MSG_HDR, to_netbsd, 1);
        if (inner < 0)
            return -1;
        o = PFKEY_MSG_HDR + (size_t)inner;
        off = n;
    } else {
        limit = units * 8 < n ? units * 8 : n;
        while (off + 4 <= limit) {
            size_t elen = (size_t)get16(in + off) * 8;
            unsigned type = get16(in + off + 2);

            if (elen == 0 || elen > limit - off)
                break;
            if (type == SADB_X_EXT_POLICY && elen >= PFKEY_POLICY_HDR) {
                size_t w = convert_policy(in + off, elen, out + o, to_netbsd);
                if (w == 0)
                    return -1;
                o += w;
            } else {
                memcpy(out + o, in + off, elen);
                if (address_extension(type, to_netbsd) && elen > PFKEY_ADDRESS_HDR)
                    convert_sockaddr(out + o + PFKEY_ADDRESS_HDR, elen - PFKEY_ADDRESS_HDR,
                                     to_netbsd);
                o += elen;
            }
            off += elen;
        }
    }
    memcpy(out + o, in + off, n - off);
    o += n - off;
    grown = ((long)o - (long)n) / 8;
    if ((long)units + grown < 0 || (long)units + grown > 0xffff)
        return -1;
    put16(out + 4, (unsigned)((long)units + grown));
    return (ssize_t)o;
}

int socket(int domain, int type, int protocol)
{
    int base = type & ~(SOCK_CLOEXEC | SOCK_NONBLOCK);
    int rfd, placeholder;

    resolve_all();
    if (domain != LINUX_PF_KEY || base != SOCK_RAW)
        return real_socket(domain, type, protocol);
    if (!connect_client())
        return fail(EAFNOSUPPORT);
    rfd = rump_sys_socket(SETKEY_RUMP_PF_KEY, RUMP_SOCK_RAW, protocol);
    if (rfd < 0)
        return fail_from_rump();
    if ((type & SOCK_NONBLOCK) && rump_sys_fcntl(rfd, RUMP_F_SETFL, RUMP_O_NONBLOCK) < 0) {
        int e = rump_errno2host(errno);
        rump_sys_close(rfd);
        return fail(e);
    }
    placeholder = real_open("/dev/null", O_RDWR | ((type & SOCK_CLOEXEC) ? O_CLOEXEC : 0));
    if (placeholder < 0 || placeholder >= MAX_FDS) {
        int e = placeholder < 0 ? errno : EMFILE;
        if (placeholder >= 0)
            real_close(placeholder);
        rump_sys_close(rfd);
        return fail(e);
    }
    __atomic_store_n(&rump_fd_of[placeholder], rfd + 1, __ATOMIC_RELEASE);
    if (tracing())
        say("pfkey-rump: socket(PF_KEY) = %d (rump %d)\n", placeholder, rfd);
    return placeholder;
}

int close(int fd)
{
    int rfd = rump_fd(fd);

    resolve_all();
    if (rfd >= 0) {
        __atomic_store_n(&rump_fd_of[fd], 0, __ATOMIC_RELEASE);
        rump_sys_close(rfd);
        if (tracing())
            say("pfkey-rump: close(%d) (rump %d)\n", fd, rfd);
    }
    return real_close(fd);
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
               socklen_t tolen)
{
    int rfd = rump_fd(fd), rflags;
    ssize_t n;

    resolve_all();
    if (rfd < 0)
        return real_sendto(fd, buf, len, flags, to, tolen);
    if ((rflags = msg_flags(flags)) < 0)
        return fail(EOPNOTSUPP);
    if (to != NULL)
        return fail(EISCONN);
    if (linux_layout()) {
        unsigned char *netbsd = malloc(len > 0 ? len : 1);
        ssize_t m;

        if (netbsd == NULL)
            return fail(ENOBUFS);
        if ((m = convert_message(buf, len, netbsd, 1, 0)) < 0) {
            free(netbsd);
            say("pfkey-rump: a reqid above 65535 does not fit NetBSD's sadb_x_ipsecrequest\n");
            return fail(EINVAL);
        }
        n = rump_sys_sendto(rfd, netbsd, (size_t)m, rflags, NULL, 0);
        free(netbsd);
        if (tracing())
            say("pfkey-rump: send(%d, %zu bytes, %zd in NetBSD's layout) = %zd\n", fd, len, m,
                n);
        if (n == m)
            n = (ssize_t)len;
        return n < 0 ? fail_from_rump() : n;
    }
    n = rump_sys_sendto(rfd, buf, len, rflags, NULL, 0);
    if (tracing())
        say("pfkey-rump: send(%d, %zu bytes) = %zd\n", fd, len, n);
    return n < 0 ? fail_from_rump() : n;
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
    resolve_all();
    if (rump_fd(fd) < 0)
        return real_send(fd, buf, len, flags);
    return sendto(fd, buf, len, flags, NULL, 0);
}

ssize_t write(int fd, const void *buf, size_t len)
{
    resolve_all();
    if (rump_fd(fd) < 0)
        return real_write(fd, buf, len);
    return sendto(fd, buf, len, 0, NULL, 0);
}

/*
 * recvfrom with SETKEY_RUMP_LINUX_ABI=1: the whole datagram (also for MSG_PEEK, so that a
 * peeked header has the length the program will read), rewritten to Linux's layout, then
 * as much of it as `len` holds; with MSG_TRUNC the rewritten datagram's whole length.
 */
static ssize_t recv_linux(int fd, int rfd, void *buf, size_t len, int flags, int rflags)
{
    static __thread unsigned char *raw, *linux_msg;
    ssize_t n, m;
    size_t copied;

    if (raw == NULL && (raw = malloc(PFKEY_MAX)) == NULL)
        return fail(ENOBUFS);
    if (linux_msg == NULL && (linux_msg = malloc(2 * PFKEY_MAX + 16)) == NULL)
        return fail(ENOBUFS);
    n = rump_sys_recvfrom(rfd, raw, PFKEY_MAX, rflags & ~RUMP_MSG_TRUNC, NULL, NULL);
    if (n < 0)
        return fail_from_rump();
    m = convert_message(raw, (size_t)n, linux_msg, 0, 0);
    if (m < 0)
        return fail(EMSGSIZE);
    copied = (size_t)m < len ? (size_t)m : len;
    memcpy(buf, linux_msg, copied);
    if (tracing())
        say("pfkey-rump: recv(%d, %zu, flags 0x%x) = %zd in NetBSD's layout, %zd in Linux's\n",
            fd, len, flags, n, m);
    return (flags & MSG_TRUNC) ? m : (ssize_t)copied;
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
                 socklen_t *fromlen)
{
    int rfd = rump_fd(fd), rflags;
    ssize_t n;

    resolve_all();
    if (rfd < 0)
        return real_recvfrom(fd, buf, len, flags, from, fromlen);
    if ((rflags = msg_flags(flags)) < 0)
        return fail(EOPNOTSUPP);
    if (linux_layout()) {
        n = recv_linux(fd, rfd, buf, len, flags, rflags);
        if (n >= 0 && fromlen != NULL)
            *fromlen = 0;
        return n;
    }
    n = rump_sys_recvfrom(rfd, buf, len, rflags, NULL, NULL);
    if (n >= 0 && fromlen != NULL)
        *fromlen = 0;
    if (tracing())
        say("pfkey-rump: recv(%d, %zu, flags 0x%x) = %zd\n", fd, len, flags, n);
    return n < 0 ? fail_from_rump() : n;
}

ssize_t recv(int fd, void *buf, size_t len, int flags)
{
    resolve_all();
    if (rump_fd(fd) < 0)
        return real_recv(fd, buf, len, flags);
    return recvfrom(fd, buf, len, flags, NULL, NULL);
}

ssize_t read(int fd, void *buf, size_t len)
{
    resolve_all();
    if (rump_fd(fd) < 0)
        return real_read(fd, buf, len);
    return recvfrom(fd, buf, len, 0, NULL, NULL);
}

/* Linux's sendmmsg: one sendto each, as many as succeed (-1 if the first fails). */
int sendmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags)
{
    unsigned int i;

    resolve_all();
    if (rump_fd(fd) < 0)
        return real_sendmmsg(fd, vec, vlen, flags);
    for (i = 0; i < vlen; i++) {
        const struct msghdr *m = &vec[i].msg_hdr;
        ssize_t n;

        if (m->msg_iovlen != 1 || m->msg_name != NULL || m->msg_controllen != 0)
            return i > 0 ? (int)i : fail(EOPNOTSUPP);
        n = sendto(fd, m->msg_iov[0].iov_base, m->msg_iov[0].iov_len, flags, NULL, 0);
        if (n < 0)
            return i > 0 ? (int)i : -1;
        vec[i].msg_len = (unsigned int)n;
    }
    return (int)vlen;
}

/*
 * Linux's recvmmsg: one recvfrom each of the whole datagram, copied into the message's one
 * iovec; MSG_WAITFORONE (only the first waits) and MSG_TRUNC (msg_len is the datagram's
 * whole length) as Linux has them; no timeout argument.
 */
int recvmmsg(int fd, struct mmsghdr *vec, unsigned int vlen, int flags, struct timespec *tmo)
{
    static char datagram[0xffff * 8 + 16];
    int wait_for_one = flags & MSG_WAITFORONE, whole_len = flags & MSG_TRUNC;
    unsigned int i;

    resolve_all();
    if (rump_fd(fd) < 0)
        return real_recvmmsg(fd, vec, vlen, flags, tmo);
    if (tmo != NULL)
        return fail(EOPNOTSUPP);
    flags &= ~(MSG_WAITFORONE | MSG_TRUNC);
    for (i = 0; i < vlen; i++) {
        struct msghdr *m = &vec[i].msg_hdr;
        int f = flags | (wait_for_one && i > 0 ? MSG_DONTWAIT : 0);
        ssize_t n;
        size_t room, copied;

        if (m->msg_iovlen != 1)
            return i > 0 ? (int)i : fail(EOPNOTSUPP);
        n = recvfrom(fd, datagram, sizeof datagram, f, NULL, NULL);
        if (n < 0)
            return i > 0 ? (int)i : -1;
        room = m->msg_iov[0].iov_len;
        copied = (size_t)n < room ? (size_t)n : room;
        memcpy(m->msg_iov[0].iov_base, datagram, copied);
        m->msg_flags = copied < (size_t)n ? MSG_TRUNC : 0;
        m->msg_namelen = 0;
        m->msg_controllen = 0;
        vec[i].msg_len = (unsigned int)(whole_len ? (size_t)n : copied);
    }
    return (int)vlen;
}

int setsockopt(int fd, int level, int name, const void *value, socklen_t len)
{
    int rfd = rump_fd(fd), rname;

    resolve_all();
    if (rfd < 0)
        return real_setsockopt(fd, level, name, value, len);
    if (level != SOL_SOCKET || (rname = socket_option(name)) < 0)
        return fail(ENOPROTOOPT);
    if (name == SO_RCVTIMEO || name == SO_SNDTIMEO) {
        /* NetBSD's struct timeval: a 64-bit time_t, then an int of microseconds. */
        struct netbsd_timeval {
            int64_t tv_sec;
            int32_t tv_usec;
            int32_t pad;
        } netbsd = {0, 0, 0};
        const struct timeval *tv = value;

        if (len < sizeof *tv)
            return fail(EINVAL);
        netbsd.tv_sec = tv->tv_sec;
        netbsd.tv_usec = (int32_t)tv->tv_usec;
        if (rump_sys_setsockopt(rfd, RUMP_SOL_SOCKET, rname, &netbsd, sizeof netbsd) < 0)
            return fail_from_rump();
        return 0;
    }
    if (rump_sys_setsockopt(rfd, RUMP_SOL_SOCKET, rname, value, len) < 0)
        return fail_from_rump();
    if (tracing())
        say("pfkey-rump: setsockopt(%d, 0x%x, %d) = 0\n", fd, rname,
            len >= sizeof(int) ? *(const int *)value : -1);
    return 0;
}

int getsockopt(int fd, int level, int name, void *value, socklen_t *len)
{
    int rfd = rump_fd(fd), rname;

    resolve_all();
    if (rfd < 0)
        return real_getsockopt(fd, level, name, value, len);
    if (level != SOL_SOCKET || (rname = socket_option(name)) < 0)
        return fail(ENOPROTOOPT);
    if (rump_sys_getsockopt(rfd, RUMP_SOL_SOCKET, rname, value, len) < 0)
        return fail_from_rump();
    return 0;
}

int fcntl(int fd, int cmd, ...)
{
    int rfd = rump_fd(fd), r;
    va_list ap;
    long arg;

    resolve_all();
    va_start(ap, cmd);
    arg = va_arg(ap, long);
    va_end(ap);
    if (rfd < 0)
        return real_fcntl(fd, cmd, arg);
    switch (cmd) {
    case F_GETFD:
    case F_SETFD:
        /* Close-on-exec belongs to the host descriptor. */
        return real_fcntl(fd, cmd, arg);
    case F_GETFL:
        if ((r = rump_sys_fcntl(rfd, RUMP_F_GETFL)) < 0)
            return fail_from_rump();
        return (r & RUMP_O_NONBLOCK ? O_NONBLOCK : 0) | O_RDWR;
    case F_SETFL:
        if (rump_sys_fcntl(rfd, RUMP_F_SETFL, (arg & O_NONBLOCK) ? RUMP_O_NONBLOCK : 0) < 0)
            return fail_from_rump();
        return 0;
    default:
        return fail(EINVAL);
    }
}

/* The rump descriptors of `fds`, in a copy; the number of them. */
static nfds_t rump_pollfds(const struct pollfd *fds, nfds_t nfds, struct pollfd *out)
{
    nfds_t i, n = 0;

    for (i = 0; i < nfds; i++) {
        out[i] = fds[i];
        out[i].revents = 0;
        if (rump_fd(fds[i].fd) >= 0) {
            out[i].fd = rump_fd(fds[i].fd);
            n++;
        } else {
            out[i].fd = -1;
        }
    }
    return n;
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
    struct pollfd rump_set[64], host_set[64];
    nfds_t ours, i;
    long long deadline;
    int r, h;

    resolve_all();
    if (nfds > 64)
        return real_poll(fds, nfds, timeout);
    ours = rump_pollfds(fds, nfds, rump_set);
    if (ours == 0)
        return real_poll(fds, nfds, timeout);
    if (ours == nfds) {
        /* POLLIN, POLLOUT, POLLERR, POLLHUP and POLLNVAL have the same values on NetBSD. */
        r = rump_sys_poll(rump_set, (u_int)nfds, timeout);
        if (r < 0)
            return fail_from_rump();
        for (i = 0; i < nfds; i++)
            fds[i].revents = rump_set[i].revents;
        return r;
    }
    /* A mix of host and rump descriptors: poll each side in turn, in slices of 10 ms. */
    for (i = 0; i < nfds; i++) {
        host_set[i] = fds[i];
        if (rump_fd(fds[i].fd) >= 0)
            host_set[i].fd = -1;
    }
    deadline = timeout < 0 ? -1 : now_ms() + timeout;
    for (;;) {
        long long left = deadline < 0 ? 10 : deadline - now_ms();
        int slice = left < 0 ? 0 : (left > 10 ? 10 : (int)left);
        if ((h = real_poll(host_set, nfds, 0)) < 0)
            return -1;
        if ((r = rump_sys_poll(rump_set, (u_int)nfds, h > 0 ? 0 : slice)) < 0)
            return fail_from_rump();
        if (r + h > 0 || (deadline >= 0 && now_ms() >= deadline)) {
            for (i = 0; i < nfds; i++)
                fds[i].revents = rump_fd(fds[i].fd) >= 0 ? rump_set[i].revents
                                                          : host_set[i].revents;
            return r + h;
        }
    }
}
