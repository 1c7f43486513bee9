/*
 * cli_media.c - the commands that read optical media or ISO images:
 * "mailarc verify --media" and "mailarc drives".
 *
 * They need libxml2 (the manifest), libiso9660 and libcdio, which cost
 * every other command some milliseconds to load; so they live in
 * mailarc-media (mailarc_media.c), which mailarc runs for them
 * (cli_media_run.c).
 */
#include <stdio.h>
#include <unistd.h>

#include "drives.h"
#include "isoverify.h"
#include "cli.h"

static void verify_out(void *ctx, const char *line)
{
    (void) ctx;
    printf("%s\n", line);
}

int cli_verify_media(const CONFIG *cfg, const char *image)
{
    ISOVERIFY_RESULT res;
    ADB    *db;
    char    err[1024];
    int     dberr = 0, rc;

    if (access(image, R_OK) < 0) {
        fprintf(stderr, "mailarc: verify: cannot read %s\n", image);
        return EXIT_USAGE;
    }
    if ((db = adb_open(cfg, ADB_READ, &dberr, err, sizeof(err))) == 0)
        fprintf(stderr, "mailarc: the archive database is unavailable (%s); checking the "
                "image against its own manifest only\n", err);
    rc = isoverify(image, db, verify_out, 0, 0, &res);
    if (db)
        adb_close(db);
    if (rc < 0)
        return EXIT_NOTFOUND;
    if (rc == 0) {
        printf("OK  %s (%s): %llu files, %llu messages, %llu bytes match the manifest%s\n",
               image, res.label, (unsigned long long) res.files, (unsigned long long) res.messages,
               (unsigned long long) res.bytes, db ? " and the archive" : "");
        return 0;
    }
    printf("FAILED  %s (%s): %llu problem%s\n", image, res.label,
           (unsigned long long) res.problems, res.problems == 1 ? "" : "s");
    return EXIT_NOTFOUND;
}

int cli_drives(const CONFIG *cfg, int argc, char **argv)
{
    VSTR   *out = vstr_alloc(256);
    int     n;

    (void) argv;
    if (argc != 1) {
        fprintf(stderr, "usage: mailarc drives\n");
        vstr_free(out);
        return EXIT_USAGE;
    }
    n = drives_list(out);
    if (n == 0)
        printf("no optical drives found; images wait in %s/media\n", cfg->data_dir);
    else
        fputs(out->s, stdout);
    if (*cfg->burn_device)
        printf("burn_device = %s\n", cfg->burn_device);
    vstr_free(out);
    return n ? 0 : EXIT_NOTFOUND;
}
