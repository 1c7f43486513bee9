/*
 * cli_burn.c - "mailarc archive", "burn", "jobs" and "drives".
 *
 * archive and burn hand a job to mailarc-burner through the SysV queue
 * and follow it through its state file until it ends: a progress bar on
 * a terminal, the result lines at the end.
 */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../ipc/ipc_job.h"
#include "media.h"
#include "cli.h"

#define ACK_WAIT 30                     /* seconds for the burner to take a job */

static void cli_bar(const JOB *job, int tty)
{
    int     width = 30, fill = job->permille * width / 1000;

    if (!tty)
        return;
    fprintf(stderr, "\r[");
    for (int i = 0; i < width; i++)
        fputc(i < fill ? '#' : ' ', stderr);
    fprintf(stderr, "] %3d%% %-60.60s", job->permille / 10, job->step);
    fflush(stderr);
}

/* Follow a job to its end; the exit status. */
static int cli_follow(const CONFIG *cfg, const char *id)
{
    int     tty = isatty(2);
    JOB     job;
    time_t  deadline = time(0) + ACK_WAIT;
    char    last_step[128] = "";

    while (job_load(cfg, id, &job) < 0) {
        if (time(0) > deadline) {
            fprintf(stderr, "mailarc: mailarc-burner did not take job %s within %d s; "
                    "see mailarc status\n", id, ACK_WAIT);
            return EXIT_UNAVAILABLE;
        }
        usleep(100000);
    }
    for (;;) {
        if (tty)
            cli_bar(&job, tty);
        else if (strcmp(last_step, job.step) != 0) {
            fprintf(stderr, "mailarc: %s\n", job.step);
            snprintf(last_step, sizeof(last_step), "%s", job.step);
        }
        if (job.state == JOB_DONE || job.state == JOB_EMPTY || job.state == JOB_FAILED)
            break;
        usleep(200000);
        if (job_load(cfg, id, &job) < 0)
            usleep(100000);
    }
    if (tty)
        fputc('\n', stderr);
    if (job.state == JOB_EMPTY) {
        fprintf(stderr, "mailarc: no messages arrived in %s; nothing written\n", job.month);
        return EXIT_NOTFOUND;
    }
    if (job.state == JOB_FAILED) {
        fprintf(stderr, "mailarc: job %s failed: %s\n", id, job.error);
        return EXIT_UNAVAILABLE;
    }
    for (char *p = job.result, *sp; p && *p; p = sp) {
        if ((sp = strchr(p, ' ')) != 0)
            *sp++ = 0;
        printf("%s/%s/%s\n", cfg->data_dir, job.kind == JOB_ARCHIVE ? "archives" : "media", p);
    }
    return 0;
}

static int cli_submit(const CONFIG *cfg, JOB *job)
{
    char    err[512];
    struct passwd *pw = getpwuid(getuid());

    snprintf(job->origin, sizeof(job->origin), "cli");
    snprintf(job->user, sizeof(job->user), "%s", pw ? pw->pw_name : "?");
    if (ipc_job_submit(cfg, job, err, sizeof(err)) < 0) {
        fprintf(stderr, "mailarc: %s\n", err);
        return EXIT_UNAVAILABLE;
    }
    fprintf(stderr, "mailarc: job %s: %s of %s%s%s\n", job->id, job_kind_name(job->kind),
            job->month, job->kind == JOB_BURN ? " on " : "", job->kind == JOB_BURN ? job->media : "");
    return cli_follow(cfg, job->id);
}

static MONTH cli_last_month(void)
{
    return month_prev(month_of(time(0)));
}

int cli_archive(const CONFIG *cfg, int argc, char **argv)
{
    JOB     job;
    MONTH   m = cli_last_month();
    int     c;

    while ((c = getopt(argc, argv, "s:")) != -1) {
        if (c != 's' || month_of_day(optarg, &m) < 0) {
            if (c == 's')
                fprintf(stderr, "mailarc: archive: \"%s\" is not a day (YY-MM-DD)\n", optarg);
            fprintf(stderr, "usage: mailarc archive [-s YY-MM-DD]\n");
            return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "usage: mailarc archive [-s YY-MM-DD]\n");
        return EXIT_USAGE;
    }
    memset(&job, 0, sizeof(job));
    job.kind = JOB_ARCHIVE;
    month_str(m, job.month);
    return cli_submit(cfg, &job);
}

int cli_burn(const CONFIG *cfg, int argc, char **argv)
{
    static const struct option opts[] = {
        {"media", required_argument, 0, 'm'}, {"month", required_argument, 0, 'M'}, {0, 0, 0, 0},
    };
    JOB     job;
    MONTH   m = cli_last_month();
    const char *media = cfg->burn_media;
    int     c;

    while ((c = getopt_long(argc, argv, "", opts, 0)) != -1) {
        if (c == 'm' && media_find(optarg)) {
            media = optarg;
        } else if (c == 'M' && month_parse(optarg, &m) == 0) {
            continue;
        } else {
            if (c == 'm')
                fprintf(stderr, "mailarc: burn: unknown media \"%s\" (%s)\n", optarg, media_names());
            else if (c == 'M')
                fprintf(stderr, "mailarc: burn: \"%s\" is not a month (YYYY-MM)\n", optarg);
            fprintf(stderr, "usage: mailarc burn [--media %s] [--month YYYY-MM]\n",
                    "cd|dvd|dvd-dl|bd|udo30|udo60|udo120");
            return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "usage: mailarc burn [--media cd|dvd|...] [--month YYYY-MM]\n");
        return EXIT_USAGE;
    }
    memset(&job, 0, sizeof(job));
    job.kind = JOB_BURN;
    month_str(m, job.month);
    snprintf(job.media, sizeof(job.media), "%s", media);
    return cli_submit(cfg, &job);
}

int cli_jobs(const CONFIG *cfg, int argc, char **argv)
{
    int     n;
    JOB    *all;

    (void) argv;
    if (argc != 1) {
        fprintf(stderr, "usage: mailarc jobs\n");
        return EXIT_USAGE;
    }
    all = job_list(cfg, &n);
    for (int i = 0; i < n; i++) {
        const JOB *j = &all[i];

        printf("%s  %-7s %-7s %-6s %-8s %3d%%  %s\n", j->id, job_kind_name(j->kind), j->month,
               j->kind == JOB_BURN ? j->media : "-", job_state_name(j->state), j->permille / 10,
               j->state == JOB_FAILED ? j->error : j->state == JOB_DONE ? j->result : j->step);
    }
    free(all);
    return 0;
}
