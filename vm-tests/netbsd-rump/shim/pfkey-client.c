/*
 * The shim's own test: a PF_KEY client written against plain libc calls, as setkey's socket
 * layer makes them, run with the shim preloaded. It checks the call translations (errno,
 * flags, options, poll) and a REGISTER / FLUSH / ADD / duplicate ADD / DUMP / GET exchange
 * with hand-built NetBSD messages, so that a shim fault is never taken for a setkey fault.
 * Prints one PASS/FAIL line per check; exits 1 if any failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define LINUX_PF_KEY 15
#define PF_KEY_V2 2

/* net/pfkeyv2.h */
enum { ADD = 3, GET = 5, REGISTER = 7, FLUSH = 9, DUMP = 10 };
enum { SATYPE_ESP = 3, EXT_SA = 1, EXT_SRC = 5, EXT_DST = 6, EXT_KEY_ENCRYPT = 9 };
enum { EXT_SUPPORTED_ENCRYPT = 15, EALG_AESCBC = 12 };

static int failures;

static void check(int ok, const char *what)
{
    printf("%s shim: %s\n", ok ? "PASS" : "FAIL", what);
    if (!ok)
        failures++;
}

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v & 0xffff);
    put16(p + 2, v >> 16);
}

static unsigned get16(const uint8_t *p)
{
    return p[0] | (unsigned)p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
    return get16(p) | (uint32_t)get16(p + 2) << 16;
}

/* A message header at the start of `msg`; the length is filled in by `finish`. */
static size_t header(uint8_t *msg, int type, int satype, uint32_t seq)
{
    memset(msg, 0, 16);
    msg[0] = PF_KEY_V2;
    msg[1] = (uint8_t)type;
    msg[3] = (uint8_t)satype;
    put32(msg + 8, seq);
    put32(msg + 12, (uint32_t)getpid());
    return 16;
}

static size_t finish(uint8_t *msg, size_t len)
{
    put16(msg + 4, (unsigned)(len / 8));
    return len;
}

/* An SADB_EXT_ADDRESS_* with a NetBSD sockaddr_in (sin_len first). */
static size_t address(uint8_t *at, int ext, const uint8_t ip[4])
{
    memset(at, 0, 24);
    put16(at, 3);
    put16(at + 2, (unsigned)ext);
    at[4] = 255; /* IPSEC_ULPROTO_ANY */
    at[5] = 32;
    at[8] = 16; /* sin_len */
    at[9] = 2;  /* AF_INET */
    memcpy(at + 12, ip, 4);
    return 24;
}

static size_t esp_add(uint8_t *msg, int type, uint32_t seq, uint32_t spi)
{
    static const uint8_t src[4] = {192, 0, 2, 1}, dst[4] = {192, 0, 2, 2};
    size_t len = header(msg, type, SATYPE_ESP, seq);

    memset(msg + len, 0, 16);
    put16(msg + len, 2);
    put16(msg + len + 2, EXT_SA);
    msg[len + 4] = (uint8_t)(spi >> 24);
    msg[len + 5] = (uint8_t)(spi >> 16);
    msg[len + 6] = (uint8_t)(spi >> 8);
    msg[len + 7] = (uint8_t)spi;
    msg[len + 11] = EALG_AESCBC;
    len += 16;
    len += address(msg + len, EXT_SRC, src);
    len += address(msg + len, EXT_DST, dst);
    if (type == ADD) {
        memset(msg + len, 0x11, 24);
        put16(msg + len, 3);
        put16(msg + len + 2, EXT_KEY_ENCRYPT);
        put16(msg + len + 4, 128);
        put16(msg + len + 6, 0);
        len += 24;
    }
    return finish(msg, len);
}

/* The next message of type `type` from us, as setkey reads one: wait, peek, then receive. */
static ssize_t reply(int fd, int type, uint8_t *buf, size_t size)
{
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        uint8_t head[16];
        ssize_t n;

        if (poll(&p, 1, 5000) != 1 || !(p.revents & POLLIN))
            return -1;
        if (recv(fd, head, sizeof head, MSG_PEEK | MSG_DONTWAIT) < 16)
            return -1;
        if ((size_t)get16(head + 4) * 8 > size)
            return -1;
        n = recv(fd, buf, size, MSG_DONTWAIT);
        if (n < 16 || (size_t)n != (size_t)get16(buf + 4) * 8)
            return -1;
        if (buf[1] == type && get32(buf + 12) == (uint32_t)getpid())
            return n;
    }
}

/* Whether the extensions of `msg` hold one of type `ext`. */
static int has_extension(const uint8_t *msg, size_t len, unsigned ext)
{
    size_t at = 16;

    while (at + 4 <= len) {
        size_t ext_len = (size_t)get16(msg + at) * 8;
        if (ext_len == 0 || at + ext_len > len)
            return 0;
        if (get16(msg + at + 2) == ext)
            return 1;
        at += ext_len;
    }
    return 0;
}

int main(void)
{
    uint8_t msg[512], buf[65536];
    int fd, value, flags;
    socklen_t value_len = sizeof value;
    ssize_t n;
    size_t len;
    struct pollfd p;
    int entries;

    fd = socket(LINUX_PF_KEY, SOCK_RAW, PF_KEY_V2);
    check(fd >= 0, "socket(PF_KEY, SOCK_RAW, PF_KEY_V2) opens a rump socket");
    if (fd < 0) {
        printf("    socket: %s\n", strerror(errno));
        return 1;
    }
    check(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC,
          "fcntl F_SETFD/F_GETFD on the host descriptor");

    value = 1 << 20;
    check(setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &value, sizeof value) == -1 &&
              errno == ENOPROTOOPT,
          "SO_RCVBUFFORCE answers ENOPROTOOPT");
    value = 65536;
    check(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &value, sizeof value) == 0,
          "SO_RCVBUF of 64 KiB is taken");
    value = 0;
    check(getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &value, &value_len) == 0 && value == 65536,
          "SO_RCVBUF reads back as set");
    value = 1 << 30;
    check(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &value, sizeof value) == -1 &&
              errno == ENOBUFS,
          "an SO_RCVBUF beyond sb_max answers ENOBUFS (NetBSD 55, Linux 105)");

    check(recv(fd, buf, sizeof buf, MSG_DONTWAIT) == -1 && errno == EAGAIN,
          "recv with MSG_DONTWAIT on an empty socket answers EAGAIN (NetBSD 35, Linux 11)");
    p.fd = fd;
    p.events = POLLIN;
    p.revents = 0;
    check(poll(&p, 1, 100) == 0, "poll times out on an empty socket");
    flags = fcntl(fd, F_GETFL);
    check(flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0 &&
              (fcntl(fd, F_GETFL) & O_NONBLOCK) && read(fd, buf, sizeof buf) == -1 &&
              errno == EAGAIN && fcntl(fd, F_SETFL, flags) == 0,
          "O_NONBLOCK through fcntl, read answering EAGAIN");

    len = finish(msg, header(msg, REGISTER, SATYPE_ESP, 1));
    check(send(fd, msg, len, 0) == (ssize_t)len, "send REGISTER");
    n = reply(fd, REGISTER, buf, sizeof buf);
    check(n > 16 && buf[2] == 0 && has_extension(buf, (size_t)n, EXT_SUPPORTED_ENCRYPT),
          "REGISTER reply lists the supported ciphers");

    len = finish(msg, header(msg, FLUSH, 0, 2));
    check(write(fd, msg, len) == (ssize_t)len, "write FLUSH");
    n = reply(fd, FLUSH, buf, sizeof buf);
    check(n == 16 && buf[2] == 0, "FLUSH reply");

    len = esp_add(msg, ADD, 3, 0x1234);
    check(send(fd, msg, len, 0) == (ssize_t)len, "send ADD of an ESP SA");
    n = reply(fd, ADD, buf, sizeof buf);
    check(n > 16 && buf[2] == 0 && get32(buf + 8) == 3, "ADD reply: errno 0, our seq");
    len = esp_add(msg, ADD, 4, 0x1234);
    send(fd, msg, len, 0);
    n = reply(fd, ADD, buf, sizeof buf);
    check(n >= 16 && buf[2] == EEXIST, "duplicate ADD answers EEXIST in sadb_msg_errno");

    len = esp_add(msg, GET, 5, 0x1234);
    send(fd, msg, len, 0);
    n = reply(fd, GET, buf, sizeof buf);
    check(n > 16 && buf[2] == 0 && has_extension(buf, (size_t)n, EXT_KEY_ENCRYPT),
          "GET returns the SA with its key");

    len = finish(msg, header(msg, DUMP, SATYPE_ESP, 6));
    send(fd, msg, len, 0);
    entries = 0;
    for (;;) {
        n = reply(fd, DUMP, buf, sizeof buf);
        if (n < 16 || buf[2] != 0)
            break;
        entries++;
        if (get32(buf + 8) == 0)
            break;
    }
    check(entries == 1 && n > 16 && get32(buf + 8) == 0, "DUMP lists the one SA, last seq 0");

    len = finish(msg, header(msg, FLUSH, 0, 7));
    send(fd, msg, len, 0);
    reply(fd, FLUSH, buf, sizeof buf);
    len = finish(msg, header(msg, DUMP, SATYPE_ESP, 8));
    send(fd, msg, len, 0);
    n = reply(fd, DUMP, buf, sizeof buf);
    check(n == 16 && buf[2] == ENOENT, "DUMP of an empty SAD answers ENOENT");

    check(close(fd) == 0, "close");
    check(send(fd, msg, len, 0) == -1 && errno == EBADF, "the descriptor is gone after close");
    printf("shim: %d failed\n", failures);
    return failures != 0;
}
