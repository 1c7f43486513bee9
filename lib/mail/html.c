/*
 * html.c - HTML to text (see html.h).
 */
#include <dlfcn.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "html.h"
#include "msg.h"

/*
 * libxml2 (and the ICU and C++ runtime it pulls in) is loaded on first
 * use: a mailarc search never needs it and starts twice as fast without.
 */
static struct {
    htmlDocPtr (*read_memory)(const char *, int, const char *, const char *, int);
    xmlNodePtr (*root)(const xmlDoc *);
    void    (*free_doc)(xmlDocPtr);
} libxml;

static pthread_once_t html_once = PTHREAD_ONCE_INIT;

/* Run once, whatever the number of threads asking (the web panel's). */
static void html_load_once(void)
{
    void   *h;

    if ((h = dlopen("libxml2.so.2", RTLD_NOW | RTLD_LOCAL)) == 0) {
        msg_warn("cannot load libxml2: %s; HTML parts are not indexed", dlerror());
        return;
    }
    *(void **) &libxml.read_memory = dlsym(h, "htmlReadMemory");
    *(void **) &libxml.root = dlsym(h, "xmlDocGetRootElement");
    *(void **) &libxml.free_doc = dlsym(h, "xmlFreeDoc");
    if (!libxml.read_memory || !libxml.root || !libxml.free_doc) {
        msg_warn("libxml2 lacks the HTML parser; HTML parts are not indexed");
        libxml.free_doc = 0;
    }
}

static int html_load(void)
{
    pthread_once(&html_once, html_load_once);
    return libxml.free_doc != 0;
}

#define HTML_MAX_DEPTH 256

static int html_is(const xmlNode *n, const char *const *names)
{
    for (; *names; names++)
        if (strcasecmp((const char *) n->name, *names) == 0)
            return 1;
    return 0;
}

/* A block element starts and ends a line. */
static void html_break(VSTR *out)
{
    if (out->len && out->s[out->len - 1] != '\n')
        vstr_addch(out, '\n');
}

static void html_walk(const xmlNode *n, VSTR *out, int depth)
{
    static const char *const skip[] = {"script", "style", "head", "title", "noscript", 0};
    static const char *const block[] = {"p", "br", "div", "li", "tr", "td", "th", "h1", "h2",
                                        "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre",
                                        "blockquote", "hr", "section", "article", "header",
                                        "footer", "nav", "aside", "dl", "dt", "dd", 0};

    if (depth > HTML_MAX_DEPTH)
        return;
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content)
                vstr_addstr(out, (const char *) n->content);
        } else if (n->type == XML_ELEMENT_NODE) {
            int     is_block = html_is(n, block);

            if (html_is(n, skip))
                continue;
            if (is_block)
                html_break(out);
            html_walk(n->children, out, depth + 1);
            if (is_block)
                html_break(out);
        }
    }
}

void html_to_text(const char *utf8, size_t len, VSTR *out)
{
    htmlDocPtr doc;

    if (len == 0 || len > INT_MAX || !html_load())
        return;
    doc = libxml.read_memory(utf8, (int) len, 0, "UTF-8",
                             HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR
                             | HTML_PARSE_NOWARNING);
    if (doc == 0)
        return;
    html_walk(libxml.root(doc) ? doc->children : 0, out, 0);
    libxml.free_doc(doc);
}
