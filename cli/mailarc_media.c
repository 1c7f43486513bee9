/*
 * mailarc-media - "mailarc verify --media" and "mailarc drives", run by
 * mailarc (see cli_media.c).
 *
 * usage: mailarc-media [-c FILE] verify IMAGE | drives
 */
#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "cli.h"

int main(int argc, char **argv)
{
    const char *conf = 0;
    CONFIG  cfg;
    char    err[1024];
    int     i = 1, rc;

    msg_init("mailarc", 0);
    msg_fatal_status(EXIT_USAGE);
    if (i + 1 < argc && strcmp(argv[i], "-c") == 0) {
        conf = argv[i + 1];
        i += 2;
    }
    if (i >= argc || !((strcmp(argv[i], "verify") == 0 && i + 2 == argc)
                       || strcmp(argv[i], "drives") == 0)) {
        fprintf(stderr, "usage: mailarc-media [-c FILE] verify IMAGE | drives\n");
        return EXIT_USAGE;
    }
    if (cfg_load(&cfg, cfg_path(conf), err, sizeof(err)) < 0) {
        fprintf(stderr, "mailarc: %s\n", err);
        return EXIT_USAGE;
    }
    if (strcmp(argv[i], "verify") == 0)
        rc = cli_verify_media(&cfg, argv[i + 1]);
    else
        rc = cli_drives(&cfg, argc - i, argv + i);
    cfg_free(&cfg);
    return rc;
}
