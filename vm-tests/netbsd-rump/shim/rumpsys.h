/*
 * The rump kernel's system calls and constants, as the shim and its tools use them on a
 * Linux host: the headers in $NETBSD_RUMP_DIR/include with the symbol renaming that
 * NetBSD's <sys/cdefs.h> would provide.
 */
#ifndef SETKEY_RUMPSYS_H
#define SETKEY_RUMPSYS_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SETKEY_RUMP_STRING(x) #x
#ifndef __RENAME
#define __RENAME(x) __asm__(SETKEY_RUMP_STRING(x))
#endif

#include <rump/rumpclient.h>
#include <rump/rump_syscalls.h>
#include <rump/rumpdefs.h>
#include <rump/rumperrno2host.h>

/* NetBSD's PF_KEY and the PF_KEY protocol version (sys/socket.h, net/pfkeyv2.h). */
#define SETKEY_RUMP_PF_KEY 29
#define SETKEY_PF_KEY_V2 2

/* fcntl commands (sys/fcntl.h), which rumpdefs.h does not carry. */
#define RUMP_F_GETFL 3
#define RUMP_F_SETFL 4

#endif
