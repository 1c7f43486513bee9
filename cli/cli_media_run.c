/*
 * cli_media_run.c - mailarc's side of the media commands: run
 * mailarc-media (see cli_media.c) with the same configuration file.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libexec.h"
#include "mymalloc.h"
#include "cli.h"

static int cli_media_exec(const CONFIG *cfg, char **args, int nargs)
{
    char   *dir = libexec_dir("mailarc-media");
    char    prog[4096];
    char   *argv[8];
    int     n = 0;

    snprintf(prog, sizeof(prog), "%s/mailarc-media", dir);
    myfree(dir);
    argv[n++] = "mailarc-media";
    if (cfg->path && cfg->path[0] != '(') {
        argv[n++] = "-c";
        argv[n++] = cfg->path;
    }
    for (int i = 0; i < nargs && n < 7; i++)
        argv[n++] = args[i];
    argv[n] = 0;
    fflush(stdout);
    execv(prog, argv);
    fprintf(stderr, "mailarc: cannot run %s: %s\n", prog, strerror(errno));
    return EXIT_UNAVAILABLE;
}

int cli_verify_media(const CONFIG *cfg, const char *image)
{
    char   *args[] = {"verify", (char *) image};

    return cli_media_exec(cfg, args, 2);
}

int cli_drives(const CONFIG *cfg, int argc, char **argv)
{
    char   *args[] = {"drives", argc > 1 ? argv[1] : 0};

    return cli_media_exec(cfg, args, argc > 1 ? 2 : 1);
}
