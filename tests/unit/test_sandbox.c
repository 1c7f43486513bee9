/* test_sandbox.c - what mailarc-extract may still do once its seccomp
 * filter is on: read files, nothing else of consequence.  Each check runs
 * in a child that installs the filter, so the test process keeps its own
 * rights. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "../../extract/ex_sandbox.h"

/* Run fn in a sandboxed child; its exit status. */
static int sandboxed(int (*fn)(void))
{
    pid_t   pid = fork();
    int     st;
    char    why[256];

    if (pid == 0) {
        if (ex_sandbox(why, sizeof(why)) < 0)
            _exit(99);
        _exit(fn());
    }
    assert_true(pid > 0);
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static int try_socket(void)
{
    return socket(AF_INET, SOCK_STREAM, 0) < 0 && errno == EPERM ? 0 : 1;
}

static int try_write(void)
{
    int     fd = open("/tmp/mailarc-sandbox-test", O_WRONLY | O_CREAT, 0600);

    if (fd >= 0) {
        unlink("/tmp/mailarc-sandbox-test");
        return 1;
    }
    return errno == EPERM ? 0 : 2;
}

static int try_append(void)
{
    return openat(AT_FDCWD, "/dev/null", O_WRONLY | O_APPEND) < 0 && errno == EPERM ? 0 : 1;
}

static int try_read(void)
{
    int     fd = open("/etc/passwd", O_RDONLY);
    char    c;

    return fd >= 0 && read(fd, &c, 1) == 1 ? 0 : 1;
}

static int try_exec(void)
{
    char   *argv[] = {"true", 0};

    execv("/bin/true", argv);
    return errno == EPERM ? 0 : 1;
}

static int try_kill_parent(void)
{
    return kill(getppid(), 0) < 0 && errno == EPERM ? 0 : 1;
}

static int try_kill_self(void)
{
    return kill(getpid(), 0) == 0 ? 0 : 1;
}

static int try_unlink_mkdir(void)
{
    return mkdir("/tmp/mailarc-sandbox-dir", 0700) < 0 && errno == EPERM
        && unlink("/tmp/mailarc-sandbox-none") < 0 && errno == EPERM ? 0 : 1;
}

static void test_filter(void **state)
{
    (void) state;
    assert_int_equal(sandboxed(try_socket), 0);
    assert_int_equal(sandboxed(try_write), 0);
    assert_int_equal(sandboxed(try_append), 0);
    assert_int_equal(sandboxed(try_read), 0);
    assert_int_equal(sandboxed(try_exec), 0);
    assert_int_equal(sandboxed(try_kill_parent), 0);
    assert_int_equal(sandboxed(try_kill_self), 0);
    assert_int_equal(sandboxed(try_unlink_mkdir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filter),
    };

    return cmocka_run_group_tests(tests, 0, 0);
}
