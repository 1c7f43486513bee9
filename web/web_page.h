/*
 * web_page.h - HTML pages as libxml2 trees.
 *
 * Text and attribute values go into the tree as data and are escaped
 * when the tree is serialized; nothing is ever pasted into markup.  Text
 * is cleaned first (invalid UTF-8 and control bytes become U+FFFD).
 */
#ifndef MAILARC_WEB_PAGE_H
#define MAILARC_WEB_PAGE_H

#include <libxml/tree.h>

#include "web.h"

typedef struct web_page {
    xmlDocPtr doc;
    xmlNodePtr main;                    /* where the page's content goes */
} WEB_PAGE;

/* A page with the title, the stylesheet, and (for a session) the menu. */
WEB_PAGE *page_new(const WEB_REQ *r, const char *title);
/* Serialize into r->body as text/html with status; frees the page. */
void page_send(WEB_REQ *r, WEB_PAGE *p, int status);

/* Drop a page not sent (its request was answered another way). */
void page_free(WEB_PAGE *p);

/* An element under parent, with text (or NULL). */
xmlNodePtr el(xmlNodePtr parent, const char *tag, const char *text);
/* The same with a class attribute. */
xmlNodePtr elc(xmlNodePtr parent, const char *tag, const char *cls, const char *text);
void attr(xmlNodePtr n, const char *name, const char *value);
void text(xmlNodePtr n, const char *s);
xmlNodePtr link_to(xmlNodePtr parent, const char *href, const char *text);
/* <form method=post action=…> with the session's CSRF token. */
xmlNodePtr post_form(xmlNodePtr parent, const WEB_REQ *r, const char *action);
xmlNodePtr input(xmlNodePtr parent, const char *type, const char *name, const char *value);
/* <select name=…> with options value/label pairs; the one equal to
 * selected is chosen. */
xmlNodePtr select_box(xmlNodePtr parent, const char *name, const char *const *pairs,
                      const char *selected);
/* A definition list row: <dt>label</dt><dd>value</dd>. */
void dl_row(xmlNodePtr dl, const char *label, const char *value);

/* The restore choice (original recipients or one address) and its
 * button, at the end of a form posting to /restore (web_message.c). */
void web_restore_controls(xmlNodePtr form, const WEB_REQ *r, const char *label);

#endif
