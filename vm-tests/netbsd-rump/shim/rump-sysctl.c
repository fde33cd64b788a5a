/*
 * Sets an integer sysctl of the rump kernel named by $RUMP_SERVER, by numeric MIB, and prints
 * the old and new values: `rump-sysctl 4.24.51.12=1` (net.inet6.ipsec6.debug, which is the
 * same variable as net.inet.ipsec.debug: ipsec_debug in sys/netipsec/ipsec_netbsd.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rumpsys.h"

int main(int argc, char **argv)
{
    int mib[12], value, old = 0;
    unsigned n = 0;
    size_t old_len = sizeof old;
    char *p, *end;

    if (argc != 2 || (p = strchr(argv[1], '=')) == NULL) {
        fprintf(stderr, "usage: rump-sysctl N.N.N=VALUE\n");
        return 2;
    }
    value = (int)strtol(p + 1, &end, 10);
    for (p = argv[1]; n < 12; p = end + 1) {
        mib[n++] = (int)strtol(p, &end, 10);
        if (end == p || *end != '.')
            break;
    }
    if (*end != '=') {
        fprintf(stderr, "rump-sysctl: bad MIB %s\n", argv[1]);
        return 2;
    }
    if (rumpclient_init() == -1) {
        perror("rump-sysctl: rumpclient_init");
        return 1;
    }
    if (rump_sys___sysctl(mib, n, &old, &old_len, &value, sizeof value) == -1) {
        fprintf(stderr, "rump-sysctl: %s: %s\n", argv[1], strerror(rump_errno2host(errno)));
        return 1;
    }
    printf("%.*s: %d -> %d\n", (int)(strchr(argv[1], '=') - argv[1]), argv[1], old, value);
    return 0;
}
