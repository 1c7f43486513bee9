/*
 * web_page.c - pages as libxml2 trees (see web_page.h).
 */
#include <libxml/HTMLtree.h>
#include <string.h>

#include "charset.h"
#include "mymalloc.h"
#include "web_page.h"

static VSTR *page_clean(const char *s)
{
    VSTR   *v = vstr_alloc(strlen(s) + 16);

    charset_display_clean(s, strlen(s), v);
    return v;
}

void text(xmlNodePtr n, const char *s)
{
    VSTR   *v = page_clean(s);

    xmlAddChild(n, xmlNewText(BAD_CAST v->s));
    vstr_free(v);
}

xmlNodePtr el(xmlNodePtr parent, const char *tag, const char *s)
{
    xmlNodePtr n = xmlNewChild(parent, 0, BAD_CAST tag, 0);

    if (s)
        text(n, s);
    return n;
}

void attr(xmlNodePtr n, const char *name, const char *value)
{
    VSTR   *v = page_clean(value);

    xmlSetProp(n, BAD_CAST name, BAD_CAST v->s);
    vstr_free(v);
}

xmlNodePtr elc(xmlNodePtr parent, const char *tag, const char *cls, const char *s)
{
    xmlNodePtr n = el(parent, tag, s);

    attr(n, "class", cls);
    return n;
}

xmlNodePtr link_to(xmlNodePtr parent, const char *href, const char *s)
{
    xmlNodePtr a = el(parent, "a", s);

    attr(a, "href", href);
    return a;
}

xmlNodePtr input(xmlNodePtr parent, const char *type, const char *name, const char *value)
{
    xmlNodePtr n = el(parent, "input", 0);

    attr(n, "type", type);
    if (name)
        attr(n, "name", name);
    if (value)
        attr(n, "value", value);
    return n;
}

xmlNodePtr post_form(xmlNodePtr parent, const WEB_REQ *r, const char *action)
{
    xmlNodePtr f = el(parent, "form", 0);

    attr(f, "method", "post");
    attr(f, "action", action);
    input(f, "hidden", "csrf", r->sess.csrf);
    return f;
}

xmlNodePtr select_box(xmlNodePtr parent, const char *name, const char *const *pairs,
                      const char *selected)
{
    xmlNodePtr s = el(parent, "select", 0);

    attr(s, "name", name);
    for (int i = 0; pairs[i]; i += 2) {
        xmlNodePtr o = el(s, "option", pairs[i + 1]);

        attr(o, "value", pairs[i]);
        if (selected && strcmp(selected, pairs[i]) == 0)
            attr(o, "selected", "selected");
    }
    return s;
}

void dl_row(xmlNodePtr dl, const char *label, const char *value)
{
    el(dl, "dt", label);
    el(dl, "dd", value);
}

WEB_PAGE *page_new(const WEB_REQ *r, const char *title)
{
    WEB_PAGE *p = mycalloc(1, sizeof(*p));
    xmlNodePtr html, head, body, meta, css, nav;

    p->doc = htmlNewDocNoDtD(0, 0);
    html = xmlNewNode(0, BAD_CAST "html");
    xmlDocSetRootElement(p->doc, html);
    attr(html, "lang", "en");
    head = el(html, "head", 0);
    meta = el(head, "meta", 0);
    attr(meta, "charset", "utf-8");
    meta = el(head, "meta", 0);
    attr(meta, "name", "viewport");
    attr(meta, "content", "width=device-width, initial-scale=1");
    {
        VSTR   *t = vstr_alloc(128);

        vstr_sprintf(t, "%s - mailarc", title);
        el(head, "title", t->s);
        vstr_free(t);
    }
    css = el(head, "link", 0);
    attr(css, "rel", "stylesheet");
    attr(css, "href", "/static/mailarc.css");
    body = el(html, "body", 0);
    nav = elc(body, "nav", "top", 0);
    elc(nav, "span", "brand", "mailarc");
    if (r->has_sess && *r->sess.login) {
        xmlNodePtr f;

        link_to(nav, "/", "Dashboard");
        link_to(nav, "/search", "Search");
        if (r->sess.role != ACCESS_USER) {
            link_to(nav, "/burner", "Burner");
            link_to(nav, "/admin/audit", "Audit log");
            link_to(nav, "/admin/holds", "Holds");
            link_to(nav, "/admin/deletions", "Deletions");
        }
        if (r->sess.role == ACCESS_ADMIN)
            link_to(nav, "/admin/daemon", "Daemon");
        elc(nav, "span", "who", r->sess.login);
        f = post_form(nav, r, "/logout");
        attr(f, "class", "logout");
        input(f, "submit", 0, "Log out");
    }
    p->main = el(body, "main", 0);
    el(p->main, "h1", title);
    return p;
}

void page_free(WEB_PAGE *p)
{
    xmlFreeDoc(p->doc);
    myfree(p);
}

void page_send(WEB_REQ *r, WEB_PAGE *p, int status)
{
    xmlChar *buf = 0;
    int     len = 0;

    htmlDocDumpMemoryFormat(p->doc, &buf, &len, 0);
    vstr_reset(r->body);
    vstr_addstr(r->body, "<!DOCTYPE html>\n");
    if (buf) {
        /* htmlDocDumpMemory puts a <meta http-equiv> charset line in head;
         * harmless, and the header says UTF-8 too. */
        vstr_add(r->body, buf, (size_t) len);
        xmlFree(buf);
    }
    r->status = status;
    r->ctype = "text/html; charset=utf-8";
    page_free(p);
}
