/*
 * sort.c - results by date, size, sender or subject (see sort.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lookup.h"
#include "mymalloc.h"
#include "record.h"
#include "sort.h"

typedef struct key {
    SEARCH_HIT hit;
    int64_t size;
    char   *text;
} KEY;

static const char *const sort_names[] = {"date", "size", "from", "subject"};

int search_sort_parse(const char *name, SEARCH_SORT *by)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, sort_names[i]) == 0) {
            *by = (SEARCH_SORT) i;
            return 0;
        }
    return -1;
}

const char *search_sort_name(SEARCH_SORT by)
{
    return sort_names[by];
}

/* Newest first, then the later arrival: search_run's own order. */
static int newest_first(const KEY *x, const KEY *y)
{
    if (x->hit.date != y->hit.date)
        return x->hit.date > y->hit.date ? -1 : 1;
    return x->hit.num > y->hit.num ? -1 : x->hit.num < y->hit.num;
}

static int by_date(const void *a, const void *b, void *asc)
{
    int     c = newest_first(a, b);

    return *(int *) asc ? -c : c;
}

static int by_size(const void *a, const void *b, void *asc)
{
    const KEY *x = a, *y = b;

    if (x->size != y->size)
        return (x->size < y->size) == (*(int *) asc != 0) ? -1 : 1;
    return newest_first(x, y);
}

static int by_text(const void *a, const void *b, void *asc)
{
    const KEY *x = a, *y = b;
    int     c = strcasecmp(x->text, y->text);

    if (c)
        return *(int *) asc ? c : -c;
    return newest_first(x, y);
}

void search_sort(ADB *db, SEARCH_RESULT *res, SEARCH_SORT by, int asc)
{
    KEY    *k = mycalloc(res->n ? res->n : 1, sizeof(KEY));

    for (size_t i = 0; i < res->n; i++) {
        MSGREC  r;

        k[i].hit = res->hits[i];
        if (by == SORT_DATE)
            continue;
        if (lookup_record(db, res->hits[i].num, &r) < 0) {
            k[i].text = mystrdup("");
            continue;                   /* deleted meanwhile: sorts as empty */
        }
        k[i].size = r.size;
        if (by != SORT_SIZE)
            k[i].text = mystrdup(by == SORT_FROM ? (r.from_addr ? r.from_addr : "")
                                 : (r.subject ? r.subject : ""));
        record_free(&r);
    }
    if (res->n > 1)
        qsort_r(k, res->n, sizeof(KEY), by == SORT_DATE ? by_date : by == SORT_SIZE ? by_size
                : by_text, &asc);
    for (size_t i = 0; i < res->n; i++) {
        res->hits[i] = k[i].hit;
        myfree(k[i].text);
    }
    myfree(k);
}

void search_page(SEARCH_RESULT *res, size_t offset, size_t limit)
{
    size_t  n = offset < res->n ? res->n - offset : 0;

    if (limit && n > limit)
        n = limit;
    if (offset && n)
        memmove(res->hits, res->hits + offset, n * sizeof(SEARCH_HIT));
    res->n = n;
}
